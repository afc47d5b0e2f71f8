{%- set analytics = {
    'grain': 'day',
    'unique': ['day_bucket', 'project_id', 'event_type'] + analytics_dimensions('name'),
    'nullable_keys': analytics_dimensions('name'),
    'build': 'sets',
    'members': ['visitor'],
    'closed_buckets': true,
} -%}
{#- no index of its own: label performance looks a day up by its whole grain (the grain key) -#}
{{ config(meta={'analytics': analytics}) }}

{#- One row per project, event type, label and day (rollup time zone) that has ended: the day's
    distinct visitors as a band (analytics_key_aggregates), made from its label-day set
    (analytics_events_daily_sets) once, by the first run after the day's end (and again while
    the lookback or a late change reaches it), never while the day is open: making bands costs
    more than the day's sort, so the open day stays sorted ids. Label performance ORs these
    bands (and the weekly visitor bands) instead of sorting every visitor id of the range; the
    weekly visitor sets are the OR of a week's seven. Visitors only (members): label
    performance counts visitors. -#}
{%- set run = analytics_run_context('analytics_events_daily_visitor_bands', analytics) -%}
with {{ analytics_window_ctes(run) }}

{{ analytics_import_ctes(run, ref('analytics_events_daily_sets'), 'day_bucket') }}

final as (

    -- a label-day set has this grain: its band
    select
        project_id,
        event_type,
        {{ analytics_dimension_columns() }},
        day_bucket,
        event_count,
        {{ analytics_key_function('analytics_ids_band') }}(visitor_keys) as visitor_keys
    from source_sets

)

select * from final
