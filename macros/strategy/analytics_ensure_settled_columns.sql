{% macro analytics_ensure_settled_columns() -%}
    {#- Pre-hook of a `settled` model and of the slices (analytics_model_spec): a table built by
        an older release gets the measures this release added (analytics_settled_columns_ddl);
        nothing on a first build. -#}
    {%- set spec = analytics_model_spec(this.identifier) -%}
    {%- if not is_incremental() -%}
        {{ return('select 1') }}
    {%- endif -%}
    {{ return(analytics_settled_columns_ddl(this, spec)) }}
{%- endmacro %}
