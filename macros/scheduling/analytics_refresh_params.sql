{% macro analytics_refresh_params() -%}
    {#- The run's parameters (analytics_run_params) as the refresh function's own parameter
        names. -#}
    {{ return({
        'as_of': 'p_as_of',
        'lookback_hours': 'p_lookback_hours',
        'backfill_hours': 'p_backfill_days * 24',
        'reaggregate_from': 'p_from',
        'reaggregate_to': 'p_to',
    }) }}
{%- endmacro %}
