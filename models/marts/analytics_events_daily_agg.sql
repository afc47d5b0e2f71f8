{%- set analytics = {
    'grain': 'day',
    'unique': ['day_bucket', 'project_id', 'event_type'] + analytics_dimensions('name'),
    'nullable_keys': analytics_dimensions('name'),
    'build': 'counts',
} -%}
{{
    config(
        meta={'analytics': analytics},
        post_hook=[
            "{{ analytics_ensure_index('idx_events_daily_project_day',
                '(project_id, day_bucket desc)') }}",
        ],
    )
}}

{#- One row per project, event type, label and day (rollup time zone): the event count and
    the cardinality of the day's sets (analytics_events_daily_sets), so a visitor active in five
    hours counts once. -#}
{%- set run = analytics_run_context('analytics_events_daily_agg', analytics) -%}
with {{ analytics_window_ctes(run) }}

{{ analytics_import_ctes(run, ref('analytics_events_daily_sets'), 'day_bucket') }}

final as (

    -- a day's label set has this grain: its counts are its cardinalities
    select
        project_id,
        event_type,
        {{ analytics_dimension_columns() }},
        day_bucket,
        event_count,
        cardinality(visitor_keys)::bigint as unique_visitors,
        cardinality(session_keys)::bigint as unique_sessions,
        now() as created_at,
        now() as updated_at
    from source_sets

)

select * from final
