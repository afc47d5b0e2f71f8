{%- set analytics = {
    'grain': 'day',
    'unique': ['day_bucket', 'project_id', 'event_type'],
    'kept_for': ['analytics_events_daily_type_agg', 'analytics_events_weekly_type_agg'],
    'build': 'sets',
    'settled': true,
} -%}
{{
    config(
        meta={'analytics': analytics},
        pre_hook=["{{ analytics_ensure_settled_columns() }}"],
    )
}}

{#- One row per project, event type and day (rollup time zone), every label together. The daily
    per-type rollup is its cardinality, and the weekly per-type rollup counts a week of these
    (far fewer keys than the label sets). A day the slices keep is the union of its slices, and
    an open day's row keeps its settled part, as the label-day sets' do, so an hourly run merges
    the lookback's hours into it instead of re-unioning every label's day-sized set; an older
    day (a late change or a re-aggregation reaches it) is the union of its label-day sets
    (analytics_settled_sets_ctes). Kept for the weeks the weekly rollup can still rebuild
    (analytics_prune_kept_sets); an older day a late change or a re-aggregation reaches is made
    again, with its week. -#}
{%- set run = analytics_run_context('analytics_events_daily_type_sets', analytics) -%}
with {{ analytics_window_ctes(run) }}

{{ analytics_settled_sets_ctes(run, ref('analytics_events_hourly_slices'),
    ref('analytics_events_daily_sets')) }}

final as (

    select * from settled_sets

)

select * from final
