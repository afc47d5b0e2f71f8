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
{%- set run = analytics_run('analytics_events_hourly_type_agg', analytics) -%}
with {{ analytics_import_ctes(run, ref('analytics_events_hourly_sets'), 'hour_bucket') }}

groups as (

    -- one per project, event type and UTC hour, over every label: numbered, so members are
    -- de-duplicated on (number, key), not on the text dimensions
    select
        row_number() over () as group_id,
        project_id,
        event_type,
        hour_bucket,
        sum(event_count)::bigint as event_count,
        count(*) as source_rows
    from source_sets
    group by project_id, event_type, hour_bucket

),

{{ analytics_union_sets_ctes(run) }}

final as (

    -- the cardinality of the union of the hour's slices
    select
        groups.project_id,
        groups.event_type,
        groups.hour_bucket,
        groups.event_count,
        {{- analytics_unioned_sets(run) }}

)

select * from final
