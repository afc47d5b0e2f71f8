{% macro analytics_model_spec(model_name) -%}
    {#- What the analytics_replace strategy and the refresh function need to know about each
        model they maintain, in refresh (DAG) order:
        - grain (hour, utc_day, day, week) and so its bucket column;
        - unique: the grain, one row per these columns in this order: the named constraint
          <model>_grain_key (analytics_grain_constraint) and the uniqueness test
          (analytics_unique_combination) are made from it; NULLs are equal when the model has
          nullable keys (`unique nulls not distinct`);
        - key_columns, nullable_keys (matched NULL-safely), measures, timestamps, surrogate_id:
          the unique columns but the bucket, by how the strategy matches them;
        - build: 'event_sets' (the only model that reads the raw events: one row per slice of
          an hour with its sorted member key sets), 'sets' (the union of an upstream set table's
          sets into coarser buckets or fewer dimensions), 'counts' (event counts and exact
          distinct counts, i.e. the cardinality of the union, of an upstream set table) or
          'week_counts' (the same for a week, from its daily sets, without building the union);
        - upstream: the set table read, and its column that nests in this model's bucket;
        - zone_dependent: its rows depend on var rollup_time_zone;
        - covers: a table that keeps only the buckets that can still change lists the models
          reading it, whose windows it must keep complete (analytics_window_sql) and whose
          buckets it keeps (analytics_prune_kept_sets): the slices keep a few days, the daily
          type sets the weeks the weekly type rollup can still rebuild. -#}
    {%- set event_keys = ['project_id', 'event_type'] -%}
    {%- set counts = ['event_count', 'unique_visitors', 'unique_sessions'] -%}
    {%- set sets = ['event_count', 'visitor_keys', 'session_keys'] -%}
    {%- set slices = 'analytics_events_hourly_sets' -%}
    {%- set specs = {
        'analytics_events_hourly_sets': {'grain': 'hour', 'build': 'event_sets',
            'unique': ['hour_bucket', 'day_bucket', 'project_id', 'event_type', 'event_label'],
            'key_columns': event_keys + ['day_bucket'], 'nullable_keys': ['event_label'],
            'measures': sets, 'zone_dependent': true,
            'covers': ['analytics_events_hourly_agg', 'analytics_events_hourly_type_agg',
                'analytics_events_project_hourly_sets', 'analytics_events_daily_sets']},
        'analytics_events_hourly_agg': {'grain': 'hour', 'build': 'counts',
            'upstream': {'model': slices, 'bucket': 'hour_bucket'},
            'unique': ['hour_bucket', 'project_id', 'event_type', 'event_label'],
            'key_columns': event_keys, 'nullable_keys': ['event_label'], 'measures': counts,
            'timestamps': true, 'surrogate_id': true},
        'analytics_events_hourly_type_agg': {'grain': 'hour', 'build': 'counts',
            'upstream': {'model': slices, 'bucket': 'hour_bucket'},
            'unique': ['hour_bucket', 'project_id', 'event_type'],
            'key_columns': event_keys, 'nullable_keys': [], 'measures': counts,
            'timestamps': true},
        'analytics_events_project_hourly_sets': {'grain': 'hour', 'build': 'sets',
            'upstream': {'model': slices, 'bucket': 'hour_bucket'},
            'unique': ['project_id', 'hour_bucket'],
            'key_columns': ['project_id'], 'nullable_keys': [], 'measures': sets},
        'analytics_events_project_daily_sets': {'grain': 'utc_day', 'build': 'sets',
            'upstream': {'model': 'analytics_events_project_hourly_sets', 'bucket': 'hour_bucket'},
            'unique': ['project_id', 'utc_day_bucket'],
            'key_columns': ['project_id'], 'nullable_keys': [], 'measures': sets},
        'analytics_events_daily_sets': {'grain': 'day', 'build': 'sets',
            'upstream': {'model': slices, 'bucket': 'day_bucket'},
            'unique': ['day_bucket', 'project_id', 'event_type', 'event_label'],
            'key_columns': event_keys, 'nullable_keys': ['event_label'], 'measures': sets},
        'analytics_events_daily_type_sets': {'grain': 'day', 'build': 'sets',
            'upstream': {'model': 'analytics_events_daily_sets', 'bucket': 'day_bucket'},
            'unique': ['day_bucket', 'project_id', 'event_type'],
            'key_columns': event_keys, 'nullable_keys': [], 'measures': sets,
            'covers': ['analytics_events_daily_type_agg', 'analytics_events_weekly_type_agg']},
        'analytics_events_daily_agg': {'grain': 'day', 'build': 'counts',
            'upstream': {'model': 'analytics_events_daily_sets', 'bucket': 'day_bucket'},
            'unique': ['day_bucket', 'project_id', 'event_type', 'event_label'],
            'key_columns': event_keys, 'nullable_keys': ['event_label'], 'measures': counts,
            'timestamps': true},
        'analytics_events_daily_type_agg': {'grain': 'day', 'build': 'counts',
            'upstream': {'model': 'analytics_events_daily_type_sets', 'bucket': 'day_bucket'},
            'unique': ['day_bucket', 'project_id', 'event_type'],
            'key_columns': event_keys, 'nullable_keys': [], 'measures': counts,
            'timestamps': true},
        'analytics_events_weekly_agg': {'grain': 'week', 'build': 'week_counts',
            'upstream': {'model': 'analytics_events_daily_sets', 'bucket': 'day_bucket'},
            'unique': ['week_bucket', 'project_id', 'event_type', 'event_label'],
            'key_columns': event_keys, 'nullable_keys': ['event_label'], 'measures': counts,
            'timestamps': true},
        'analytics_events_weekly_type_agg': {'grain': 'week', 'build': 'week_counts',
            'upstream': {'model': 'analytics_events_daily_type_sets', 'bucket': 'day_bucket'},
            'unique': ['week_bucket', 'project_id', 'event_type'],
            'key_columns': event_keys, 'nullable_keys': [], 'measures': counts,
            'timestamps': true},
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
    {%- if spec.unique | sort != (spec.key_columns + spec.nullable_keys + [spec.grain ~ '_bucket']) | sort -%}
        {{ exceptions.raise_compiler_error("analytics_model_spec: the unique columns of '" ~ model_name
            ~ "' must be its key columns, nullable keys and bucket") }}
    {%- endif -%}
    {%- set dimensions = [] -%}
    {%- for column in spec.key_columns + spec.nullable_keys if column != 'day_bucket' -%}
        {%- do dimensions.append(column) -%}
    {%- endfor -%}
    {%- do spec.update({
        'name': model_name,
        'bucket': spec.grain ~ '_bucket',
        'grain_constraint': ('unique nulls not distinct (' if spec.nullable_keys else 'unique (')
            ~ spec.unique | join(', ') ~ ')',
        'dimensions': dimensions,
        'timestamps': spec.get('timestamps', false),
        'zone_dependent': spec.get('zone_dependent', spec.grain in ('day', 'week')),
    }) -%}
    {{ return(spec) }}
{%- endmacro %}
