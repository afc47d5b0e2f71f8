{% macro analytics_work_mem() -%}
    {#- var refresh_work_mem (default 64MB): the work_mem of the statements that refresh the
        aggregates (each model's transaction, and the pg_cron function), so the de-duplicating
        sorts and hashes of a busy day stay in memory. Checked: a number and kB, MB or GB. -#}
    {%- set value = var('refresh_work_mem') | string -%}
    {%- if not modules.re.fullmatch('[0-9]+(kB|MB|GB)', value) -%}
        {{ exceptions.raise_compiler_error(
            "var 'refresh_work_mem' must look like 64MB (a number and kB, MB or GB), got: " ~ value) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}
