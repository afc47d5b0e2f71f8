{% macro analytics_unioned_sets(run, relation='') -%}
    {#- The set columns of a model's GROUP BY over the finer set rows (of `relation`, an alias,
        or unqualified like the model's other columns): per group, the exact union of their
        visitor and session sets (a key in two rows is one key), as the sorted set (the model's
        spec says build 'sets': visitor_keys, session_keys, or those of its spec's members) or
        its cardinality (build 'counts': unique_visitors, unique_sessions, then created_at and
        updated_at). The aggregates are analytics_key_aggregates'. -#}
    {%- set spec = run.spec -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    {%- if spec.build not in ('sets', 'counts') -%}
        {{ exceptions.raise_compiler_error("analytics_unioned_sets: model '" ~ run.name
            ~ "' has build '" ~ spec.build ~ "', not sets or counts") }}
    {%- endif -%}
    {%- for kind in spec.members %}
        {%- if spec.build == 'sets' %}
        {{ analytics_key_function('analytics_key_union') }}({{ prefix }}{{ kind }}_keys) as {{ kind }}_keys{{ ',' if not loop.last }}
        {%- else %}
        {{ analytics_key_function('analytics_key_count') }}({{ prefix }}{{ kind }}_keys) as unique_{{ kind }}s,
        {%- endif %}
    {%- endfor %}
    {%- if spec.build == 'counts' %}
        {{ analytics_row_timestamps() }}
    {%- endif %}
{%- endmacro %}
