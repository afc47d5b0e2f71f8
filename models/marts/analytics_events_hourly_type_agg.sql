{%- set analytics = {
    'grain': 'hour',
    'unique': ['hour_bucket', 'project_id', 'event_type'],
    'build': 'counts',
} -%}
{{
    config(
        meta={'analytics': analytics},
        post_hook=[
            "{{ analytics_ensure_index('idx_events_hourly_type_project_hour',
                '(project_id, hour_bucket desc)') }}",
        ],
    )
}}

{#- One row per project, event type and UTC hour, every label together: the union of the
    hour's slices over labels, so a visitor who saw two labels counts once. The hourly event
    series by type reads these stored rows. -#}
{%- set run = analytics_run_context('analytics_events_hourly_type_agg', analytics) -%}
with {{ analytics_window_ctes(run) }}

{{ analytics_import_ctes(run, ref('analytics_events_hourly_slices'), 'hour_bucket') }}

final as (

    -- the cardinality of the union of the hour's slices, one row per project, event type and
    -- UTC hour
    select
        project_id,
        event_type,
        hour_bucket,
        sum(event_count)::bigint as event_count,
        {{ analytics_key_function('analytics_key_count') }}(visitor_keys)::bigint
            as unique_visitors,
        {{ analytics_key_function('analytics_key_count') }}(session_keys)::bigint
            as unique_sessions,
        now() as created_at,
        now() as updated_at
    from source_sets
    group by project_id, event_type, hour_bucket

)

select * from final
