{{
    config(
        post_hook=[
            "{{ analytics_grain_constraint() }}",
        ],
    )
}}

{#- One row per project, event type and day (rollup time zone), every label together: the union
    of the day's label sets. The daily per-type rollup is its cardinality, and the weekly
    per-type rollup counts a week of these (far fewer keys than the label sets). Kept for the
    weeks the weekly rollup can still rebuild (analytics_prune_kept_sets); an older day a late
    change or a re-aggregation reaches is unioned from the label sets again, with its week.
    SQL: macros/build/analytics_sets_rollup_sql.sql. -#}
{{ analytics_model_sql(analytics_run('analytics_events_daily_type_sets'), {'upstream': ref('analytics_events_daily_sets')}) }}
