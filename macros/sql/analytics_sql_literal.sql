{% macro analytics_sql_literal(value) -%}
    {#- A Python string as a SQL string literal (single quotes doubled). -#}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}
