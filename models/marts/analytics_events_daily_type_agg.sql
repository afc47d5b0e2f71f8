{%- set analytics = {
    'grain': 'day',
    'unique': ['day_bucket', 'project_id', 'event_type'],
    'build': 'counts',
} -%}
{{
    config(
        meta={'analytics': analytics},
        post_hook=[
            "{{ analytics_ensure_index('idx_events_daily_type_project_day',
                '(project_id, day_bucket desc)') }}",
        ],
    )
}}

{#- One row per project, event type and day (rollup time zone), every label together: the
    union of the day's sets over labels (a visitor who saw two labels counts once). The daily
    event series by type reads these stored rows. -#}
{%- set run = analytics_run_context('analytics_events_daily_type_agg', analytics) -%}
with {{ analytics_window_ctes(run) }}

{{ analytics_import_ctes(run, ref('analytics_events_daily_type_sets'), 'day_bucket') }}

final as (

    -- a day's type set has this grain: its counts are its cardinalities
    select
        project_id,
        event_type,
        day_bucket,
        event_count,
        cardinality(visitor_keys)::bigint as unique_visitors,
        cardinality(session_keys)::bigint as unique_sessions,
        now() as created_at,
        now() as updated_at
    from source_sets

)

select * from final
