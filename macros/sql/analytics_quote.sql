{% macro analytics_quote(value) -%}
    {#- An identifier in double quotes (checked by analytics_checked_identifier) -#}
    {{ return(adapter.quote(analytics_checked_identifier(value, 'identifier'))) }}
{%- endmacro %}
