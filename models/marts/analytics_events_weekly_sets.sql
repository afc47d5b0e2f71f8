{{
    config(
        post_hook=[
            "{{ analytics_ensure_index('analytics_events_weekly_sets_grain_key',
                'unique nulls not distinct (week_bucket, project_id, event_type, event_label)',
                constraint=true) }}",
            "{{ analytics_ensure_index('idx_events_weekly_sets_project_type_week',
                '(project_id, event_type, week_bucket)') }}",
        ],
    )
}}

{#- One row per project, event type, label and ISO week (rollup time zone): the union of the
    week's daily sets. Label performance reads whole weeks here.
    SQL: macros/analytics_sets_rollup_sql.sql. -#}
{{ analytics_model_sql(
    model_name='analytics_events_weekly_sets',
    relations={'upstream': ref('analytics_events_daily_sets')},
    target=this,
    params=analytics_run_params(),
    incremental=is_incremental()) }}
