{% macro analytics_model_sql(model_name, relations, target, params, incremental) -%}
    {#- The SELECT of each maintained model, by what its spec declares it is built from
        (analytics_model_spec: build). `relations` holds the upstream relation: `events` (the
        staging view) or `upstream` (a set table), from ref() in the models (so unit tests can
        replace them), by name in the refresh function. -#}
    {%- set spec = analytics_model_spec(model_name) -%}
    {%- set claimed = analytics_claimed_relation(model_name) if incremental else none -%}
    {%- if spec.build == 'event_sets' -%}
        {{ analytics_event_sets_sql(relations.events, target, params, incremental, spec, claimed) }}
    {%- elif spec.build in ('sets', 'counts', 'week_counts') -%}
        {{ analytics_sets_rollup_sql(relations.upstream, target, params, incremental, spec, claimed) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("model '" ~ model_name ~ "' has an unknown build '"
            ~ spec.build ~ "' in analytics_model_spec") }}
    {%- endif -%}
{%- endmacro %}
