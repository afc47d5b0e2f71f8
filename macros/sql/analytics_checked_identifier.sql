{% macro analytics_checked_identifier(value, what) -%}
    {#- `value` if PostgreSQL can hold it as an identifier dbt can quote, else a clear error -#}
    {%- if '"' in value or '\x00' in value -%}
        {{ exceptions.raise_compiler_error(what ~ " may not contain a double quote or NUL (dbt "
            ~ "quotes identifiers without escaping them), got: " ~ value) }}
    {%- endif -%}
    {%- if value.encode('utf-8') | length > 63 -%}
        {{ exceptions.raise_compiler_error(what ~ " is longer than PostgreSQL's 63-byte "
            ~ "identifiers, got: " ~ value) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}
