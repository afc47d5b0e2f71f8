{%- set analytics = {
    'grain': 'week',
    'unique': ['week_bucket', 'project_id', 'event_type'] + analytics_dimensions('name'),
    'nullable_keys': analytics_dimensions('name'),
    'build': 'counts',
} -%}
{{
    config(
        meta={'analytics': analytics},
        post_hook=[
            "{{ analytics_ensure_index('idx_events_weekly_project_week',
                '(project_id, week_bucket desc)') }}",
        ],
    )
}}

{#- One row per project, event type, label and ISO week (rollup time zone): the event count
    and the distinct visitors and sessions of the week's daily sets (the cardinality of their
    union, analytics_key_count), so a visitor seen on five days counts once. -#}
{%- set run = analytics_run_context('analytics_events_weekly_agg', analytics) -%}
with {{ analytics_window_ctes(run) }}

{{ analytics_import_ctes(run, ref('analytics_events_daily_sets'), 'day_bucket') }}

final as (

    -- the week's daily label sets merged and counted distinct (in C), one row per
    -- project, event type, label and ISO week
    select
        project_id,
        event_type,
        {{ analytics_dimension_columns() }},
        week_bucket,
        sum(event_count)::bigint as event_count,
        {{ analytics_key_function('analytics_key_count') }}(visitor_keys)::bigint
            as unique_visitors,
        {{ analytics_key_function('analytics_key_count') }}(session_keys)::bigint
            as unique_sessions,
        now() as created_at,
        now() as updated_at
    from source_sets
    group by project_id, event_type, {{ analytics_dimension_columns() }}, week_bucket

)

select * from final
