{% macro analytics_run_params() -%}
    {#- The run's parameters as SQL expressions, from the vars. The pg_cron refresh function passes
        its own parameter names instead (analytics_create_refresh_function), so both render the
        same window and aggregation SQL. -#}
    {%- set range_from = var('reaggregate_from') -%}
    {%- set range_to = var('reaggregate_to') -%}
    {%- if (range_from in (none, '')) != (range_to in (none, '')) -%}
        {{ exceptions.raise_compiler_error(
            "set both reaggregate_from and reaggregate_to, or neither (got from=" ~ range_from ~ ", to=" ~ range_to ~ ")") }}
    {%- endif -%}
    {%- set params = {
        'as_of': analytics_as_of(),
        'lookback_hours': analytics_int_var('lookback_hours'),
        'backfill_hours': analytics_int_var('backfill_days', 1) * 24,
        'range_from': 'null::timestamptz',
        'range_to': 'null::timestamptz',
    } -%}
    {%- if range_from not in (none, '') -%}
        {%- set start = analytics_parse_timestamp(range_from, 'reaggregate_from') -%}
        {%- set stop = analytics_parse_timestamp(range_to, 'reaggregate_to') -%}
        {%- if start >= stop -%}
            {{ exceptions.raise_compiler_error(
                "reaggregate_from must be before reaggregate_to (got " ~ start ~ " and " ~ stop ~ ")") }}
        {%- endif -%}
        {%- do params.update({
            'range_from': "'" ~ start.isoformat() ~ "'::timestamptz",
            'range_to': "'" ~ stop.isoformat() ~ "'::timestamptz",
        }) -%}
    {%- endif -%}
    {{ return(params) }}
{%- endmacro %}
