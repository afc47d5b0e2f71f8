{% macro analytics_dimensions(attribute=none) -%}
    {#- Every dimension the label-level tables are grouped by after project_id and event_type,
        declared once: its column name (lower case, new to the tables) and its raw value, an
        expression over the raw row `{row}`: a column (`{row}.event_label`) or an expression
        in parentheses. Staging cleans each like a label (analytics_clean_label: NULL, empty or
        blank is "none", an over-long value is shortened and counted by the altered-values
        test), so each may be NULL and is matched NULL-safely. The label-level models (the
        slices, hourly_agg, daily_sets, daily_agg, weekly_visitor_sets, weekly_agg), their
        grain constraints and uniqueness tests, the live view and the refresh function read
        them from here; the per-type and project tables union over them. A new dimension is
        one line here (the plan's next one: {'name': 'platform', 'raw': "({row}.event_data
        ->> 'platform')"}), plus its column docs in _marts__models.yml (README › Adding a
        dimension). With `attribute` ('name' or 'raw'): that of each, in order. -#}
    {%- set dimensions = [
        {'name': 'event_label', 'raw': '{row}.event_label'},
    ] -%}
    {%- for dimension in dimensions -%}
        {%- set raw = dimension.raw -%}
        {%- if not modules.re.fullmatch('[a-z_][a-z0-9_]{0,62}', dimension.name)
            or dimension.name in ('id', 'project_id', 'event_type', 'visitor_id', 'session_id',
                'created_at', 'updated_at', 'event_count', 'unique_visitors', 'unique_sessions',
                'visitor_keys', 'session_keys', 'is_open_hour')
            or dimension.name.endswith('_bucket')
            or dimensions | selectattr('name', 'equalto', dimension.name) | list | length > 1
            or '{row}' not in raw
            or not (modules.re.fullmatch('\\{row\\}\\.[a-z_][a-z0-9_]*', raw)
                or (raw.startswith('(') and raw.endswith(')'))) -%}
            {{ exceptions.raise_compiler_error("analytics_dimensions: " ~ dimension
                ~ ": a dimension is a new lower-case column name and its raw value, "
                ~ "{row}.<column> or an expression over {row} in parentheses") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(dimensions | map(attribute=attribute) | list if attribute else dimensions) }}
{%- endmacro %}
