{{
    config(
        post_hook=[
            "{{ analytics_grain_constraint() }}",
            "{{ analytics_ensure_index('idx_events_daily_sets_project_type_day',
                '(project_id, event_type, day_bucket)') }}",
        ],
    )
}}

{#- One row per project, event type, label and day (rollup time zone): the union of the day's
    slices. The daily and weekly rollups and label performance are made from these sets.
    SQL: macros/build/analytics_sets_rollup_sql.sql. -#}
{{ analytics_model_sql(analytics_run('analytics_events_daily_sets'), {'upstream': ref('analytics_events_hourly_sets')}) }}
