{{
    config(
        post_hook=[
            "{{ analytics_ensure_index('analytics_events_daily_members_grain_key',
                'unique nulls not distinct (day_bucket, project_id, event_type, event_label,
                member_kind, member_id)', constraint=true) }}",
            "{{ analytics_ensure_index('idx_events_daily_members_project_day',
                '(project_id, day_bucket, member_kind, member_id)') }}",
            "{{ analytics_ensure_index('idx_events_daily_members_project_type_kind_day',
                '(project_id, event_type, member_kind, day_bucket, event_label, member_id)') }}",
        ],
    )
}}

{#- One row per project, event type, label, day (rollup time zone) and distinct visitor or
    session: what exact weekly and multi-day distinct counts are computed from. The second
    index serves label performance (one project, event type and member kind over a range of
    days) with an index-only scan.
    SQL: macros/analytics_members_sql.sql. -#}
{{ analytics_model_sql(
    model_name='analytics_events_daily_members',
    relations={'events': ref('stg_analytics_events')},
    target=this,
    params=analytics_run_params(),
    incremental=is_incremental()) }}
