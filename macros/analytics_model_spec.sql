{% macro analytics_model_spec(model_name) -%}
    {#- What the analytics_replace strategy and the refresh function need to know about each
        model they maintain, in refresh order: its bucket and grain, its keys (nullable ones are
        matched NULL-safely), its measures, whether it keeps created_at / updated_at, and
        whether it has a surrogate identity id. -#}
    {%- set event_keys = ['project_id', 'event_type'] -%}
    {%- set measures = ['event_count', 'unique_visitors', 'unique_sessions'] -%}
    {%- set specs = {
        'analytics_events_hourly_agg': {'grain': 'hour', 'key_columns': event_keys,
            'nullable_keys': ['event_label'], 'measures': measures, 'timestamps': true,
            'surrogate_id': true},
        'analytics_events_hourly_type_agg': {'grain': 'hour', 'key_columns': event_keys,
            'nullable_keys': [], 'measures': measures, 'timestamps': true},
        'analytics_events_hourly_members': {'grain': 'hour',
            'key_columns': event_keys + ['member_kind', 'member_id'], 'nullable_keys': [],
            'measures': [], 'timestamps': false},
        'analytics_events_project_day_members': {'grain': 'utc_day',
            'key_columns': ['project_id', 'member_kind', 'member_id'], 'nullable_keys': [],
            'measures': [], 'timestamps': false},
        'analytics_events_daily_members': {'grain': 'day',
            'key_columns': event_keys + ['member_kind', 'member_id'], 'nullable_keys': ['event_label'],
            'measures': [], 'timestamps': false},
        'analytics_events_daily_agg': {'grain': 'day', 'key_columns': event_keys,
            'nullable_keys': ['event_label'], 'measures': measures, 'timestamps': true},
        'analytics_events_daily_type_agg': {'grain': 'day', 'key_columns': event_keys,
            'nullable_keys': [], 'measures': measures, 'timestamps': true},
        'analytics_events_weekly_agg': {'grain': 'week', 'key_columns': event_keys,
            'nullable_keys': ['event_label'], 'measures': measures, 'timestamps': true},
        'analytics_events_weekly_type_agg': {'grain': 'week', 'key_columns': event_keys,
            'nullable_keys': [], 'measures': measures, 'timestamps': true},
    } -%}
    {%- if model_name == 'all' -%}
        {{ return(specs.keys() | list) }}
    {%- endif -%}
    {%- if model_name not in specs -%}
        {{ exceptions.raise_compiler_error(
            "incremental_strategy 'analytics_replace' does not know model '" ~ model_name
            ~ "'; it knows: " ~ (specs.keys() | list | join(', '))) }}
    {%- endif -%}
    {%- set spec = specs[model_name] -%}
    {%- do spec.update({'name': model_name, 'bucket': spec.grain ~ '_bucket'}) -%}
    {{ return(spec) }}
{%- endmacro %}
