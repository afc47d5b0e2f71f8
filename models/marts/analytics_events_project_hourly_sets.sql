{%- set analytics = {
    'grain': 'hour',
    'unique': ['project_id', 'hour_bucket'],
    'build': 'sets',
} -%}
{{
    config(
        meta={'analytics': analytics},
        post_hook=[
            "{{ analytics_ensure_index('idx_events_project_hourly_sets_hour',
                '(hour_bucket)') }}",
        ],
    )
}}

{#- One row per project and UTC hour, every type and label together: the hour's event count and
    its distinct visitors and sessions as bands (analytics_key_aggregates), the union of the
    hour's slices. The exact KPI reads the edge hours of a range here. -#}
{%- set run = analytics_run_context('analytics_events_project_hourly_sets', analytics) -%}
with {{ analytics_window_ctes(run) }}

{{ analytics_import_ctes(run, ref('analytics_events_hourly_slices'), 'hour_bucket') }}

final as (

    -- the union of the hour's slices, one row per project and UTC hour
    select
        project_id,
        hour_bucket,
        sum(event_count)::bigint as event_count,
        {{ analytics_key_function('analytics_band_union') }}(visitor_keys) as visitor_keys,
        {{ analytics_key_function('analytics_band_union') }}(session_keys) as session_keys
    from source_sets
    group by project_id, hour_bucket

)

select * from final
