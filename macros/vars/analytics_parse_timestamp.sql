{% macro analytics_parse_timestamp(raw, var_name) -%}
    {#- Parse an ISO 8601 var (string or YAML timestamp) into an aware UTC datetime.
        A value without an offset is read as UTC, never in the session's time zone. Anything
        else (a number, a list, 2026-13-45, 24:00) fails naming the var and what is accepted. -#}
    {%- set accepted = "var '" ~ var_name ~ "' must be an ISO 8601 timestamp such as "
        ~ "2026-11-25T14:00:00Z (a date alone means its midnight UTC), got: " -%}
    {%- if raw is string -%}
        {%- set text = raw | trim -%}
    {%- elif raw is not none and raw is not number and raw.isoformat is defined -%}
        {%- set text = raw.isoformat() -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error(accepted ~ raw ~ " (not a string)") }}
    {%- endif -%}
    {%- set pattern = '^(\\d{4})-(\\d{2})-(\\d{2})([T ](\\d{2})(:(\\d{2})(:(\\d{2})(\\.\\d{1,6})?)?)?)?(Z|[+-](\\d{2})(:?(\\d{2}))?)?$' -%}
    {%- set m = modules.re.match(pattern, text) -%}
    {%- if not m -%}
        {{ exceptions.raise_compiler_error(accepted ~ text) }}
    {%- endif -%}
    {%- set year, month, day = m.group(1) | int, m.group(2) | int, m.group(3) | int -%}
    {%- set days_in_month = [31, 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28,
        31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {%- if year < 1 or month < 1 or month > 12 or day < 1 or day > days_in_month[month - 1]
        or (m.group(5) or '0') | int > 23 or (m.group(7) or '0') | int > 59
        or (m.group(9) or '0') | int > 59 or (m.group(12) or '0') | int > 23
        or (m.group(14) or '0') | int > 59 -%}
        {{ exceptions.raise_compiler_error(accepted ~ text ~ " (no such date or time)") }}
    {%- endif -%}
    {%- set parsed = modules.datetime.datetime.fromisoformat(text.replace('Z', '+00:00')) -%}
    {%- if parsed.tzinfo is none -%}
        {%- set parsed = parsed.replace(tzinfo=modules.pytz.utc) -%}
    {%- endif -%}
    {{ return(parsed.astimezone(modules.pytz.utc)) }}
{%- endmacro %}
