{% macro analytics_parse_timestamp(raw, var_name) -%}
    {#- Parse an ISO 8601 var (string or YAML timestamp) into an aware UTC datetime.
        A value without an offset is read as UTC, never in the session's time zone. -#}
    {%- set text = raw.isoformat() if raw is not string else raw | trim -%}
    {%- set pattern = '^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}(:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?)?)?(Z|[+-]\\d{2}(:?\\d{2})?)?$' -%}
    {%- if not modules.re.match(pattern, text) -%}
        {{ exceptions.raise_compiler_error(
            "var '" ~ var_name ~ "' must be an ISO 8601 timestamp such as 2026-11-25T14:00:00Z, got: " ~ text) }}
    {%- endif -%}
    {%- set parsed = modules.datetime.datetime.fromisoformat(text.replace('Z', '+00:00')) -%}
    {%- if parsed.tzinfo is none -%}
        {%- set parsed = parsed.replace(tzinfo=modules.pytz.utc) -%}
    {%- endif -%}
    {{ return(parsed.astimezone(modules.pytz.utc)) }}
{%- endmacro %}
