{%- set analytics = {
    'grain': 'week',
    'unique': ['week_bucket', 'project_id', 'event_type'] + analytics_dimensions('name'),
    'nullable_keys': analytics_dimensions('name'),
    'build': 'sets',
    'members': ['visitor'],
    'closed_buckets': true,
} -%}
{{
    config(
        meta={'analytics': analytics},
        post_hook=[
            "{{ analytics_ensure_index('idx_events_weekly_visitor_sets_project_type_week',
                '(project_id, event_type, week_bucket)') }}",
        ],
    )
}}

{#- One row per project, event type, label and ISO week (rollup time zone) that has ended: the
    union (an OR, no sort) of the week's daily visitor bands, a band itself. Label performance
    reads a range's whole weeks here (a visitor who comes back on several days is one member,
    not one per day) and its other days from the daily visitor bands and, for days that have
    not ended, the daily sets. Visitors only: sessions seldom outlive a day, so a week of session
    sets would be as large as its seven days. Built once a week (and again while the lookback
    or a late change reaches the week), not rebuilt every hour while the week is open. -#}
{%- set run = analytics_run_context('analytics_events_weekly_visitor_sets', analytics) -%}
with {{ analytics_window_ctes(run) }}

{{ analytics_import_ctes(run, ref('analytics_events_daily_visitor_bands'), 'day_bucket') }}

final as (

    -- the union of the week's daily visitor bands, one row per project, event type, label and
    -- week
    select
        project_id,
        event_type,
        {{ analytics_dimension_columns() }},
        week_bucket,
        sum(event_count)::bigint as event_count,
        {{ analytics_key_function('analytics_band_union') }}(visitor_keys) as visitor_keys
    from source_sets
    group by project_id, event_type, {{ analytics_dimension_columns() }}, week_bucket

)

select * from final
