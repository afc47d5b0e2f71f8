{{
    config(
        post_hook=[
            "{{ analytics_grain_constraint() }}",
            "{{ analytics_ensure_index('idx_events_daily_type_project_day',
                '(project_id, day_bucket desc)') }}",
        ],
    )
}}

{#- One row per project, event type and day (rollup time zone), every label together: the
    union of the day's sets over labels (a visitor who saw two labels counts once). The daily
    event series by type reads these stored rows. SQL: macros/build/analytics_sets_rollup_sql.sql. -#}
{{ analytics_model_sql(analytics_run('analytics_events_daily_type_agg'), {'upstream': ref('analytics_events_daily_type_sets')}) }}
