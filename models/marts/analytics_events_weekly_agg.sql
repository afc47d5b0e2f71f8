{%- set analytics = {
    'grain': 'week',
    'unique': ['week_bucket', 'project_id', 'event_type'] + analytics_dimensions('name'),
    'nullable_keys': analytics_dimensions('name'),
    'build': 'week_counts',
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
    and the distinct visitors and sessions of the week's daily sets, each member counted on the
    first day it appears, so a visitor seen on five days counts once. -#}
{%- set run = analytics_run_context('analytics_events_weekly_agg', analytics) -%}
with {{ analytics_window_ctes(run) }}

{{ analytics_import_ctes(run, ref('analytics_events_daily_sets'), 'day_bucket') }}

days as (

    -- one per project, event type, label and ISO week: its seven daily label sets side by side
    select
        project_id,
        event_type,
        {{ analytics_dimension_columns() }},
        week_bucket,
        sum(event_count)::bigint as event_count
        {{- analytics_week_day_sets() }}
    from source_sets
    group by project_id, event_type, {{ analytics_dimension_columns() }}, week_bucket

),

final as (

    -- each member counted on the first day of the week it appears
    select
        project_id,
        event_type,
        {{ analytics_dimension_columns() }},
        week_bucket,
        event_count,
        {{ analytics_first_day_count('visitor') }} as unique_visitors,
        {{ analytics_first_day_count('session') }} as unique_sessions,
        now() as created_at,
        now() as updated_at
    from days

)

select * from final
