{{
    config(
        post_hook=[
            "{{ analytics_grain_constraint() }}",
            "{{ analytics_ensure_index('idx_events_daily_project_day',
                '(project_id, day_bucket desc)') }}",
        ],
    )
}}

{#- One row per project, event type, label and day (rollup time zone): the event count and
    the cardinality of the day's sets (analytics_events_daily_sets), so a visitor active in five
    hours counts once. SQL: macros/build/analytics_sets_rollup_sql.sql. -#}
{{ analytics_model_sql(analytics_run('analytics_events_daily_agg'), {'upstream': ref('analytics_events_daily_sets')}) }}
