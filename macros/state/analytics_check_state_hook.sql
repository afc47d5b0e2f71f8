{% macro analytics_check_state_hook() -%}
    {#- Pre-hook of every incremental model: analytics_check_state on incremental runs. -#}
    {%- if config.get('materialized') != 'incremental' or not is_incremental() -%}
        {{ return('select 1') }}
    {%- endif -%}
    {{ return(analytics_check_state(this.name, this)) }}
{%- endmacro %}
