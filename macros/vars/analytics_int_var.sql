{% macro analytics_int_var(name, minimum=0) -%}
    {#- A whole-number var (its default in dbt_project.yml), checked early so a typo fails the
        compile with a clear message. -#}
    {%- set value = var(name) -%}
    {%- if value is string and modules.re.match('^\\s*\\d+\\s*$', value) -%}
        {%- set value = value | int -%}
    {%- endif -%}
    {%- if value is not number or value is boolean or value != (value | int) or value < minimum -%}
        {{ exceptions.raise_compiler_error(
            "var '" ~ name ~ "' must be a whole number >= " ~ minimum ~ ", got: " ~ value) }}
    {%- endif -%}
    {{ return(value | int) }}
{%- endmacro %}
