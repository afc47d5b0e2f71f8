{%- set analytics = {
    'grain': 'day',
    'unique': ['day_bucket', 'project_id', 'event_type'] + analytics_dimensions('name'),
    'nullable_keys': analytics_dimensions('name'),
    'build': 'sets',
} -%}
{{
    config(
        meta={'analytics': analytics},
        post_hook=[
            "{{ analytics_ensure_index('idx_events_daily_sets_project_type_day',
                '(project_id, event_type, day_bucket)') }}",
        ],
    )
}}

{#- One row per project, event type, label and day (rollup time zone): the union of the day's
    slices. The daily and weekly rollups and label performance are made from these sets. -#}
{%- set run = analytics_run_context('analytics_events_daily_sets', analytics) -%}
with {{ analytics_window_ctes(run) }}

{{ analytics_import_ctes(run, ref('analytics_events_hourly_slices'), 'day_bucket') }}

final as (

    -- the union of the day's slices, one row per project, event type, label and day; grouped
    -- by a sort that compares hashes (bigints) before the texts, as the slices are (a sort by
    -- the texts alone compares with strcoll: 80 ms more an hour on the benchmark's data)
    select
        project_id,
        event_type,
        {{ analytics_dimension_columns() }},
        day_bucket,
        sum(event_count)::bigint as event_count,
        {{ analytics_key_function('analytics_key_union') }}(visitor_keys) as visitor_keys,
        {{ analytics_key_function('analytics_key_union') }}(session_keys) as session_keys
    from source_sets
    group by
        hashtextextended(project_id, 0),
        hashtextextended(
            event_type
            {%- for name in analytics_dimensions('name') %}
                || '/' || coalesce({{ name }}, '')
            {%- endfor %}, 0
        ),
        project_id,
        event_type,
        {{ analytics_dimension_columns() }},
        day_bucket

)

select * from final
