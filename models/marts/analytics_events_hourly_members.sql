{{
    config(
        post_hook=[
            "{{ analytics_ensure_index('analytics_events_hourly_members_grain_key',
                'unique (hour_bucket, project_id, event_type, member_kind, member_id)',
                constraint=true) }}",
            "{{ analytics_ensure_index('idx_events_hourly_members_project_hour',
                '(project_id, hour_bucket, member_kind, member_id)') }}",
        ],
    )
}}

{#- One row per project, event type, UTC hour and distinct visitor or session: exact distinct
    counts over any range of hours (the KPI totals) without reading the raw events.
    SQL: macros/analytics_members_sql.sql. -#}
{{ analytics_model_sql(
    model_name='analytics_events_hourly_members',
    relations={'events': ref('stg_analytics_events')},
    target=this,
    params=analytics_run_params(),
    incremental=is_incremental()) }}
