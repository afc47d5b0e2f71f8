{{
    config(
        post_hook=[
            "{{ analytics_grain_constraint() }}",
            "{{ analytics_ensure_index('idx_events_hourly_type_project_hour',
                '(project_id, hour_bucket desc)') }}",
        ],
    )
}}

{#- One row per project, event type and UTC hour, every label together: the union of the
    hour's slices over labels, so a visitor who saw two labels counts once. The hourly event
    series by type reads these stored rows. SQL: macros/build/analytics_sets_rollup_sql.sql. -#}
{{ analytics_model_sql(
    model_name='analytics_events_hourly_type_agg',
    relations={'upstream': ref('analytics_events_hourly_sets')},
    target=this,
    params=analytics_run_params(),
    incremental=is_incremental()) }}
