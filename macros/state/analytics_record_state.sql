{% macro analytics_record_state() -%}
    {#- Post-hook of every incremental model: analytics_record_state_sql for this run. -#}
    {%- if config.get('materialized') != 'incremental' -%}
        {{ return('select 1') }}
    {%- endif -%}
    {{ return(analytics_record_state_sql(this.name, this, analytics_as_of())) }}
{%- endmacro %}
