{% macro analytics_set_cardinalities(relation='') -%}
    {#- The counts of a set row that has the model's own grain: unique_visitors and
        unique_sessions are the cardinalities of its sets (of `relation`, an alias, or
        unqualified), then created_at and updated_at. -#}
    {%- set prefix = relation ~ '.' if relation else '' -%}
cardinality({{ prefix }}visitor_keys)::bigint as unique_visitors,
        cardinality({{ prefix }}session_keys)::bigint as unique_sessions,
        {{ analytics_row_timestamps() }}
{%- endmacro %}
