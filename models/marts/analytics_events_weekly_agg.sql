{{
    config(
        post_hook=[
            "{{ analytics_grain_constraint() }}",
            "{{ analytics_ensure_index('idx_events_weekly_project_week',
                '(project_id, week_bucket desc)') }}",
        ],
    )
}}

{#- One row per project, event type, label and ISO week (rollup time zone): the event count
    and the distinct visitors and sessions of the week's daily sets, each member counted on the
    first day it appears, so a visitor seen on five days counts once.
    SQL: macros/build/analytics_sets_rollup_sql.sql (build 'week_counts'). -#}
{{ analytics_model_sql(analytics_run('analytics_events_weekly_agg'), {'upstream': ref('analytics_events_daily_sets')}) }}
