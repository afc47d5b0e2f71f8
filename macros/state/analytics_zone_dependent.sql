{% macro analytics_zone_dependent(model_name) -%}
    {#- true when the model's buckets depend on var rollup_time_zone (days and weeks) -#}
    {{ return(analytics_model_spec(model_name).zone_dependent) }}
{%- endmacro %}
