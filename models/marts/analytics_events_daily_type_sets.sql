{{
    config(
        post_hook=[
            "{{ analytics_grain_constraint() }}",
        ],
    )
}}

{#- One row per project, event type and day (rollup time zone), every label together: the union
    of the day's label sets. The daily per-type rollup is its cardinality, and the weekly
    per-type rollup the union of a week of these (far fewer keys than the label sets).
    SQL: macros/build/analytics_sets_rollup_sql.sql. -#}
{{ analytics_model_sql(
    model_name='analytics_events_daily_type_sets',
    relations={'upstream': ref('analytics_events_daily_sets')},
    target=this,
    params=analytics_run_params(),
    incremental=is_incremental()) }}
