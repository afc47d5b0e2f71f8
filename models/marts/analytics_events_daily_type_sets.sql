{%- set analytics = {
    'grain': 'day',
    'unique': ['day_bucket', 'project_id', 'event_type'],
    'kept_for': ['analytics_events_daily_type_agg', 'analytics_events_weekly_type_agg'],
    'build': 'sets',
} -%}
{{ config(meta={'analytics': analytics}) }}

{#- One row per project, event type and day (rollup time zone), every label together: the union
    of the day's label sets. The daily per-type rollup is its cardinality, and the weekly
    per-type rollup counts a week of these (far fewer keys than the label sets). Kept for the
    weeks the weekly rollup can still rebuild (analytics_prune_kept_sets); an older day a late
    change or a re-aggregation reaches is unioned from the label sets again, with its week. -#}
{%- set run = analytics_run_context('analytics_events_daily_type_sets', analytics) -%}
with {{ analytics_window_ctes(run) }}

{{ analytics_import_ctes(run, ref('analytics_events_daily_sets'), 'day_bucket') }}

final as (

    -- the union of the day's label sets, one row per project, event type and day
    select
        project_id,
        event_type,
        day_bucket,
        sum(event_count)::bigint as event_count,
        {{ analytics_key_function('analytics_key_union') }}(visitor_keys) as visitor_keys,
        {{ analytics_key_function('analytics_key_union') }}(session_keys) as session_keys
    from source_sets
    group by project_id, event_type, day_bucket

)

select * from final
