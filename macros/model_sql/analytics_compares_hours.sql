{% macro analytics_compares_hours(run) -%}
    {#- true when the slices' build compares each hour of its window with the slices stored for
        it (analytics_changed_hours_ctes): an incremental run of a table that has every column
        the model writes. Not in a unit test (`this` is a fixture), nor on a table that lacks a
        dimension (the run then stops on dbt's schema check, by name) or event_fingerprint (an
        older release's: the pre-hook adds it after this file is compiled; the next run
        compares). `run` is analytics_run_context() of the slices. -#}
    {%- if not run.incremental or run.target is string or not execute
        or (model is defined and model.resource_type == 'unit_test') -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set stored_columns = adapter.get_columns_in_relation(run.target)
        | map(attribute='name') | list -%}
    {%- set needed = analytics_dimensions('name') + ['event_fingerprint'] -%}
    {{ return(needed | reject('in', stored_columns) | list | length == 0) }}
{%- endmacro %}
