{% macro analytics_time_zone() -%}
    {#- var rollup_time_zone (default UTC): where days and ISO weeks (from Monday) begin for the
        daily and weekly rollups. Checked against the IANA names early. Hours are always UTC. -#}
    {%- set tz = var('rollup_time_zone') -%}
    {%- if tz not in modules.pytz.all_timezones_set -%}
        {{ exceptions.raise_compiler_error(
            "var 'rollup_time_zone' must be an IANA time zone such as UTC or Europe/Berlin, got: " ~ tz) }}
    {%- endif -%}
    {{ return(tz) }}
{%- endmacro %}
