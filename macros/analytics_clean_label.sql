{% macro analytics_clean_label(column) -%}
    {#- NULL, empty and whitespace-only labels mean "no label"; anything else is kept as written. -#}
    case when {{ column }} ~ '^[[:space:]]*$' then null else {{ column }} end
{%- endmacro %}
