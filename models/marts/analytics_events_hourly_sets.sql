{{
    config(
        post_hook=[
            "{{ analytics_grain_constraint() }}",
        ],
    )
}}

{#- One row per project, event type, label, UTC hour and day (rollup time zone): the slice of
    an hour that lies in one day, with its event count and its distinct visitors and sessions as
    sorted arrays of 128-bit keys. The only model that reads the raw events, for the run's window of
    hours; every other table is a union of these sets. Kept for the days the lookback can still
    change (analytics_prune_kept_sets). SQL: macros/build/analytics_event_sets_sql.sql. -#}
{{ analytics_model_sql(analytics_run('analytics_events_hourly_sets'), {'events': ref('stg_analytics_events')}) }}
