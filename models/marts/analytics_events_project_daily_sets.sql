{%- set analytics = {
    'grain': 'utc_day',
    'unique': ['project_id', 'utc_day_bucket'],
    'build': 'sets',
    'closed_buckets': true,
} -%}
{{
    config(
        meta={'analytics': analytics},
        post_hook=[
            "{{ analytics_ensure_index('idx_events_project_daily_sets_day',
                '(utc_day_bucket)') }}",
        ],
    )
}}

{#- One row per project and UTC day that has ended, every type and label together: the union of
    the day's project hourly bands (an OR, no sort). The exact KPI reads a range's whole UTC days here, and the
    hours of a day that has no row yet (today's, or yesterday's before the first run after
    midnight). Built once a day (and again while the lookback or a late change reaches the
    day), not re-sorted every hour while the day is open. -#}
{%- set run = analytics_run_context('analytics_events_project_daily_sets', analytics) -%}
with {{ analytics_window_ctes(run) }}

{{ analytics_import_ctes(run, ref('analytics_events_project_hourly_sets'), 'hour_bucket') }}

final as (

    -- the union of the day's project hourly sets, one row per project and UTC day
    select
        project_id,
        utc_day_bucket,
        sum(event_count)::bigint as event_count,
        {{ analytics_key_function('analytics_band_union') }}(visitor_keys) as visitor_keys,
        {{ analytics_key_function('analytics_band_union') }}(session_keys) as session_keys
    from source_sets
    group by project_id, utc_day_bucket

)

select * from final
