{% macro analytics_in_window(run, column) -%}
    {#- The WHERE condition of a model's import CTE `source_sets` (a finer set table): its rows
        whose bucket `column` lies in the run's window, or, with late-change tracking, nests in
        one of the extra buckets; and, when that table has hours, never an hour at or after the
        window's end (an older as_of than a previous run's). Needs analytics_window_ctes. -#}
    {%- set spec = run.spec -%}
    {%- set up_spec = analytics_model_spec(spec.upstream.model) -%}
    {%- if execute and column.split('.')[-1] not in up_spec.unique -%}
        {{ exceptions.raise_compiler_error("analytics_in_window: model '" ~ run.name ~ "' reads "
            ~ spec.upstream.model ~ ", which has no grain column " ~ column) }}
    {%- endif -%}
(
            {{ column }} >= (select w.window_start from run_window as w)
            and {{ column }} < (select w.window_end from run_window as w)
            {%- if run.claimed %}
            or {{ analytics_bucket_sql(spec.grain, column) }} in (select e.bucket_start from extra_buckets as e)
            {%- endif %}
        )
        {%- if up_spec.grain == 'hour' %}
        -- an older as_of than a previous run's: never the hours after it
        and source_sets.hour_bucket < (select w.window_end from run_window as w)
        {%- endif %}
{%- endmacro %}
