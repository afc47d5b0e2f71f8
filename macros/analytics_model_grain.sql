{% macro analytics_model_grain(model_name) -%}
    {#- What the analytics_replace strategy needs to know about each model that uses it. -#}
    {%- set grains = {
        'analytics_events_hourly_agg': {
            'bucket': 'hour_bucket',
            'measures': ['event_count', 'unique_visitors', 'unique_sessions'],
            'window_sql': analytics_hourly_window_sql,
        },
    } -%}
    {%- if model_name not in grains -%}
        {{ exceptions.raise_compiler_error(
            "incremental_strategy 'analytics_replace' does not know model '" ~ model_name
            ~ "'; known: " ~ (grains.keys() | list | join(', '))) }}
    {%- endif -%}
    {{ return(grains[model_name]) }}
{%- endmacro %}
