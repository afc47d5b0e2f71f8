{%- set analytics = {
    'grain': 'day',
    'unique': ['day_bucket', 'project_id', 'event_type'] + analytics_dimensions('name'),
    'nullable_keys': analytics_dimensions('name'),
    'build': 'sets',
    'settled': true,
} -%}
{{
    config(
        meta={'analytics': analytics},
        pre_hook=["{{ analytics_ensure_settled_columns() }}"],
        post_hook=[
            "{{ analytics_ensure_index('idx_events_daily_sets_project_type_day',
                '(project_id, event_type, day_bucket)') }}",
        ],
    )
}}

{#- One row per project, event type, label and day (rollup time zone): the union of the day's
    slices. The daily and weekly rollups and label performance are made from these sets. An
    open day's row also keeps its settled part (settled: the union of the hours no later run
    rebuilds), so an hourly run reads the slices of the lookback's hours and merges them into it
    instead of re-reading the day (analytics_settled_sets_ctes). -#}
{%- set run = analytics_run_context('analytics_events_daily_sets', analytics) -%}
with {{ analytics_window_ctes(run) }}

{{ analytics_settled_sets_ctes(run, ref('analytics_events_hourly_slices')) }}

final as (

    select * from settled_sets

)

select * from final
