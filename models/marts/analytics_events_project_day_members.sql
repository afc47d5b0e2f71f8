{{
    config(
        post_hook=[
            "{{ analytics_ensure_index('analytics_events_project_day_members_grain_key',
                'unique (project_id, utc_day_bucket, member_kind, member_id)',
                constraint=true) }}",
            "{{ analytics_ensure_index('idx_events_project_day_members_day',
                '(utc_day_bucket)') }}",
        ],
    )
}}

{#- One row per project, UTC day and distinct visitor or session, whatever the event type or
    label: the exact KPI distinct counts over a range read whole UTC days here and only the
    range's edge hours from analytics_events_hourly_members. The grain key (project first)
    answers the KPI with an index-only scan; the day index serves the refresh's window.
    SQL: macros/analytics_members_sql.sql. -#}
{{ analytics_model_sql(
    model_name='analytics_events_project_day_members',
    relations={'events': ref('stg_analytics_events')},
    target=this,
    params=analytics_run_params(),
    incremental=is_incremental()) }}
