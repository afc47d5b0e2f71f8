{% macro analytics_identifier_var(name) -%}
    {#- A var that names a schema or table (its default in dbt_project.yml), checked: a
        non-empty string of at most 63 bytes without a double quote or NUL (dbt renders
        identifiers in double quotes without escaping them, so a `"` would break out of every
        statement that names the object). A single quote is fine: literals go through
        analytics_sql_literal. -#}
    {%- set value = var(name) -%}
    {%- if value is not string or value | length == 0 -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must name a schema or table, got: " ~ value) }}
    {%- endif -%}
    {{ return(analytics_checked_identifier(value, "var '" ~ name ~ "'")) }}
{%- endmacro %}
