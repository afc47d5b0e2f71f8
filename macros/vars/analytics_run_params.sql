{% macro analytics_run_params() -%}
    {#- The run's parameters as SQL expressions, from the vars. The pg_cron refresh function passes
        its own parameter names instead (analytics_create_refresh_function), so both render the
        same window and aggregation SQL. -#}
    {%- set reaggregate_from = var('reaggregate_from') -%}
    {%- set reaggregate_to = var('reaggregate_to') -%}
    {%- if (reaggregate_from in (none, '')) != (reaggregate_to in (none, '')) -%}
        {{ exceptions.raise_compiler_error(
            "set both reaggregate_from and reaggregate_to, or neither (got from=" ~ reaggregate_from ~ ", to=" ~ reaggregate_to ~ ")") }}
    {%- endif -%}
    {%- set params = {
        'as_of': analytics_as_of(),
        'lookback_hours': analytics_int_var('lookback_hours'),
        'backfill_hours': analytics_int_var('backfill_days', 1) * 24,
        'reaggregate_from': 'null::timestamptz',
        'reaggregate_to': 'null::timestamptz',
    } -%}
    {%- if reaggregate_from not in (none, '') -%}
        {%- set start = analytics_parse_timestamp(reaggregate_from, 'reaggregate_from') -%}
        {%- set stop = analytics_parse_timestamp(reaggregate_to, 'reaggregate_to') -%}
        {%- if start >= stop -%}
            {{ exceptions.raise_compiler_error(
                "reaggregate_from must be before reaggregate_to (got " ~ start ~ " and " ~ stop ~ ")") }}
        {%- endif -%}
        {%- do params.update({
            'reaggregate_from': "'" ~ start.isoformat() ~ "'::timestamptz",
            'reaggregate_to': "'" ~ stop.isoformat() ~ "'::timestamptz",
        }) -%}
    {%- endif -%}
    {{ return(params) }}
{%- endmacro %}
