{% macro analytics_import_ctes(run, upstream, column) -%}
    {#- A model's import CTE when it is made from a finer set table, written after its
        analytics_window_ctes (`run_window`, [`extra_buckets`]): `source_sets`, the rows of
        `upstream` whose bucket `column` lies in the window (analytics_in_window), with the
        model's dimensions (spec.dimensions), its bucket (`column` truncated to the model's
        grain) and the set measures of the model's members (analytics_set_columns). Ends with a
        comma. -#}
    {%- set spec = run.spec -%}
source_sets as (

    select
        {%- for dimension in spec.dimensions %}
        source_sets.{{ dimension }},
        {%- endfor %}
        {{ analytics_bucket_sql(spec.grain, 'source_sets.' ~ column) }} as {{ spec.bucket }},
        {{ analytics_set_columns('source_sets', spec.members) }}
    from {{ upstream }} as source_sets
    where {{ analytics_in_window(run, 'source_sets.' ~ column) }}

),
{%- endmacro %}
