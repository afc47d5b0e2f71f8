{{
    config(
        post_hook=[
            "{{ analytics_grain_constraint() }}",
            "{{ analytics_ensure_index('idx_events_weekly_type_project_week',
                '(project_id, week_bucket desc)') }}",
        ],
    )
}}

{#- One row per project, event type and ISO week (rollup time zone), every label together:
    the weekly event series by type, from the week's daily type sets, each member counted on
    the first day it appears. SQL: macros/build/analytics_sets_rollup_sql.sql (build 'week_counts'). -#}
{{ analytics_model_sql(analytics_run('analytics_events_weekly_type_agg'), {'upstream': ref('analytics_events_daily_type_sets')}) }}
