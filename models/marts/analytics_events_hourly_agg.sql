{{
    config(
        post_hook=[
            "{{ analytics_ensure_identity('id') }}",
            "{{ analytics_grain_constraint() }}",
            "{{ analytics_ensure_index('idx_events_hourly_project_hour',
                '(project_id, hour_bucket desc)') }}",
            "{{ analytics_ensure_index('idx_events_hourly_type_hour',
                '(project_id, event_type, hour_bucket desc)') }}",
            "{{ analytics_ensure_index('idx_events_hourly_label_hour',
                '(project_id, event_label, hour_bucket desc) where event_label is not null') }}",
        ],
    )
}}

{#- One row per project, event type, label and completed UTC hour: the event count and the
    cardinality of the hour's visitor and session sets, made from the hour's slices
    (analytics_events_hourly_sets), never from the raw events. SQL:
    macros/build/analytics_sets_rollup_sql.sql, which the pg_cron refresh function renders too. -#}
{{ analytics_model_sql(analytics_run('analytics_events_hourly_agg'), {'upstream': ref('analytics_events_hourly_sets')}) }}
