{% macro analytics_set_columns(relation) -%}
    {#- The measures of a set table's row, for a model's import CTE: `relation`.event_count,
        .visitor_keys and .session_keys (sorted key sets, analytics_member_digest). -#}
    {%- for column in ['event_count', 'visitor_keys', 'session_keys'] -%}
        {{ relation }}.{{ column }}{{ ',\n        ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
