{% macro analytics_as_of() -%}
    {#- The run's "now" as a SQL timestamptz literal in UTC: var('as_of') or the run's start.
        An as_of later than the run's start plus the clock-skew tolerance (5 minutes) is an
        error: it would store hours that have not happened. An earlier one is a re-run of an
        old slot: see analytics_window_sql, which never shrinks what a later run stored. -#}
    {%- set raw = var('as_of') -%}
    {%- set utc = modules.pytz.utc -%}
    {%- set started = run_started_at.astimezone(utc) -%}
    {%- if raw is none or raw == '' -%}
        {%- set moment = started -%}
    {%- else -%}
        {%- set moment = analytics_parse_timestamp(raw, 'as_of') -%}
        {%- set skew = analytics_event_rules().clock_skew_seconds -%}
        {%- if moment > started + modules.datetime.timedelta(seconds=skew) -%}
            {{ exceptions.raise_compiler_error(
                "var 'as_of' (" ~ moment.isoformat() ~ ") is in the future: this run started at "
                ~ started.isoformat() ~ " and accepts at most " ~ skew ~ " seconds of clock skew. "
                ~ "Leave as_of unset to mean now.") }}
        {%- endif -%}
    {%- endif -%}
    '{{ moment.isoformat() }}'::timestamptz
{%- endmacro %}
