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
    its distinct visitors and sessions as sorted key sets, the union of the hour's slices. The exact
    KPI reads the edge hours of a range here. -#}
{%- set run = analytics_run('analytics_events_project_hourly_sets', analytics) -%}
with {{ analytics_import_ctes(run, ref('analytics_events_hourly_sets'), 'hour_bucket') }}

groups as (

    -- one per project and UTC hour, over every type and label: numbered, so members are
    -- de-duplicated on (number, key), not on the project id
    select
        row_number() over () as group_id,
        project_id,
        hour_bucket,
        sum(event_count)::bigint as event_count,
        count(*) as source_rows
    from source_sets
    group by project_id, hour_bucket

),

{{ analytics_union_sets_ctes(run) }}

final as (

    -- the union of the hour's slices
    select
        groups.project_id,
        groups.hour_bucket,
        groups.event_count,
        {{- analytics_unioned_sets(run) }}

)

select * from final
