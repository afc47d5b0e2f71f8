{{
    config(
        post_hook=[
            "{{ analytics_ensure_index('analytics_events_hourly_type_agg_grain_key',
                'unique (hour_bucket, project_id, event_type)', constraint=true) }}",
            "{{ analytics_ensure_index('idx_events_hourly_type_project_hour',
                '(project_id, hour_bucket desc)') }}",
        ],
    )
}}

{#- One row per project, event type and UTC hour, every label together, from the raw events:
    the hourly event series by type with distinct counts that are exact across labels, read as
    stored rows. SQL: macros/analytics_events_agg_sql.sql. -#}
{{ analytics_model_sql(
    model_name='analytics_events_hourly_type_agg',
    relations={'upstream': ref('analytics_events_hourly_sets')},
    target=this,
    params=analytics_run_params(),
    incremental=is_incremental()) }}
