{% macro analytics_blank(column) -%}
    {#- true when a text value is NULL, empty or only whitespace (never NULL itself) -#}
    coalesce({{ column }}::text ~ '^[[:space:]]*$', true)
{%- endmacro %}
