{% macro analytics_as_of() -%}
    {#- The run's "now" as a SQL timestamptz literal in UTC: var('as_of') or the run's start. -#}
    {%- set raw = var('as_of', none) -%}
    {%- set utc = modules.pytz.utc -%}
    {%- if raw is none or raw == '' -%}
        {%- set moment = run_started_at.astimezone(utc) -%}
    {%- else -%}
        {%- set moment = analytics_parse_timestamp(raw, 'as_of') -%}
    {%- endif -%}
    '{{ moment.isoformat() }}'::timestamptz
{%- endmacro %}
