{{
    config(
        post_hook=[
            "{{ analytics_ensure_index('analytics_events_weekly_agg_grain_key',
                'unique nulls not distinct (week_bucket, project_id, event_type, event_label)',
                constraint=true) }}",
            "{{ analytics_ensure_index('idx_events_weekly_project_week',
                '(project_id, week_bucket desc)') }}",
        ],
    )
}}

{#- One row per project, event type, label and ISO week (rollup time zone): the event count
    and the cardinality of the week's sets (analytics_events_weekly_sets, the union of its
    days), so a visitor seen on five days counts once. SQL: macros/analytics_sets_rollup_sql.sql. -#}
{{ analytics_model_sql(
    model_name='analytics_events_weekly_agg',
    relations={'upstream': ref('analytics_events_weekly_sets')},
    target=this,
    params=analytics_run_params(),
    incremental=is_incremental()) }}
