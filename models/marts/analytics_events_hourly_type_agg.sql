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
{{ analytics_model_sql(analytics_run('analytics_events_hourly_type_agg'), {'upstream': ref('analytics_events_hourly_sets')}) }}
