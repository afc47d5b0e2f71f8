{{
    config(
        post_hook=[
            "{{ analytics_grain_constraint() }}",
            "{{ analytics_ensure_index('idx_events_project_hourly_sets_hour',
                '(hour_bucket)') }}",
        ],
    )
}}

{#- One row per project and UTC hour, every type and label together: the hour's event count and
    its distinct visitors and sessions as sorted key sets, the union of the hour's slices. The exact
    KPI reads the edge hours of a range here. SQL: macros/build/analytics_sets_rollup_sql.sql. -#}
{{ analytics_model_sql(analytics_run('analytics_events_project_hourly_sets'), {'upstream': ref('analytics_events_hourly_sets')}) }}
