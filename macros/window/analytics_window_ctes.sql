{% macro analytics_window_ctes(run) -%}
    {#- The CTE `run_window` (analytics_window_sql: the one row [window_start, window_end) whose
        buckets this run rebuilds) and, when the run claimed pending hours, `extra_buckets`
        (analytics_extra_buckets_sql: the older buckets holding them), each with its trailing
        comma, for a model's `with`. `run` is analytics_run_context(). -#}
    {%- set spec = run.spec -%}
run_window as (

    {{ analytics_window_sql(run) }}

),
{%- if run.claimed %}

extra_buckets as (

    {{ analytics_extra_buckets_sql(run.claimed, spec.grain, kept_for=spec.get('kept_for'),
        target=run.target) }}

),
{%- endif %}
{%- endmacro %}
