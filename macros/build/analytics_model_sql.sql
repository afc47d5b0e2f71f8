{% macro analytics_model_sql(run, relations) -%}
    {%- set spec = run.spec -%}
    {%- if spec.build == 'event_sets' -%}
        {{ analytics_event_sets_sql(relations.events, run.target, run.params, run.incremental, spec, run.claimed) }}
    {%- else -%}
        {{ analytics_sets_rollup_sql(relations.upstream, run.target, run.params, run.incremental, spec, run.claimed) }}
    {%- endif -%}
{%- endmacro %}
