{{
    config(
        post_hook=[
            "{{ analytics_grain_constraint() }}",
            "{{ analytics_ensure_index('idx_events_project_daily_sets_day',
                '(utc_day_bucket)') }}",
        ],
    )
}}

{#- One row per project and UTC day, every type and label together: the union of the day's
    project hourly sets. The exact KPI reads a range's whole UTC days here.
    SQL: macros/build/analytics_sets_rollup_sql.sql. -#}
{{ analytics_model_sql(analytics_run('analytics_events_project_daily_sets'), {'upstream': ref('analytics_events_project_hourly_sets')}) }}
