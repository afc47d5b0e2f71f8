{% macro analytics_set_columns(relation, members=['visitor', 'session']) -%}
    {#- The measures of a set table's row, for a model's import CTE: `relation`.event_count and
        the member sets (sorted ids or bands, analytics_key_aggregates) of `members`: .visitor_keys,
        .session_keys. -#}
    {{ relation }}.event_count
    {%- for member in members -%},
        {{ relation }}.{{ member }}_keys
    {%- endfor -%}
{%- endmacro %}
