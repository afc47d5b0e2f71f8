{%- set analytics = {
    'grain': 'hour',
    'unique': ['hour_bucket', 'project_id', 'event_type'] + analytics_dimensions('name'),
    'nullable_keys': analytics_dimensions('name'), 'surrogate_id': true,
    'build': 'counts',
} -%}
{{
    config(
        meta={'analytics': analytics},
        post_hook=[
            "{{ analytics_ensure_identity('id') }}",
            "{{ analytics_ensure_index('idx_events_hourly_project_hour',
                '(project_id, hour_bucket desc)') }}",
            "{{ analytics_ensure_index('idx_events_hourly_type_hour',
                '(project_id, event_type, hour_bucket desc)') }}",
            "{{ analytics_ensure_index('idx_events_hourly_label_hour',
                '(project_id, event_label, hour_bucket desc) where event_label is not null') }}",
        ],
    )
}}

{#- One row per project, event type, label and completed UTC hour: the event count and the
    cardinality of the hour's visitor and session sets, made from the hour's slices
    (analytics_events_hourly_slices), never from the raw events. -#}
{%- set run = analytics_run_context('analytics_events_hourly_agg', analytics) -%}
{%- set tz = analytics_time_zone() -%}
with {{ analytics_window_ctes(run) }}

source_sets as (

    -- the window's slices, whole hours told from hours split between two days
    select
        source_sets.project_id,
        source_sets.event_type,
        {{ analytics_dimension_columns('source_sets') }},
        {{ analytics_bucket_sql(run.spec.grain, 'source_sets.hour_bucket') }} as hour_bucket,
        source_sets.hour_bucket >= source_sets.day_bucket
        and source_sets.hour_bucket + interval '1 hour' <= (
            source_sets.day_bucket at time zone '{{ tz }}' + interval '1 day'
        ) at time zone '{{ tz }}' as whole_hour,
        {{ analytics_set_columns('source_sets') }}
    from {{ ref('analytics_events_hourly_slices') }} as source_sets
    where {{ analytics_in_window(run, 'source_sets.hour_bucket') }}

),

split_hours as (

    -- the hours split between two days of the rollup zone (Asia/Kolkata's): the union of the
    -- hour's two slices, one row per project, event type, label and UTC hour
    select
        project_id,
        event_type,
        {{ analytics_dimension_columns() }},
        hour_bucket,
        sum(event_count)::bigint as event_count,
        {{ analytics_key_function('analytics_key_count') }}(visitor_keys)::bigint
            as unique_visitors,
        {{ analytics_key_function('analytics_key_count') }}(session_keys)::bigint
            as unique_sessions,
        now() as created_at,
        now() as updated_at
    from source_sets
    where not whole_hour
    group by project_id, event_type, {{ analytics_dimension_columns() }}, hour_bucket

),

final as (

    -- the id: generated always as identity, numbered here on a first build only
    select
        {{ 'null::bigint' if run.incremental else 'row_number() over ()' }} as id,
        split_hours.project_id,
        split_hours.event_type,
        {{ analytics_dimension_columns('split_hours') }},
        split_hours.hour_bucket,
        split_hours.event_count,
        split_hours.unique_visitors,
        split_hours.unique_sessions,
        split_hours.created_at,
        split_hours.updated_at
    from split_hours
    union all
    -- an hour that lies in one day of the rollup zone is one slice: counted as it is
    select
        {{ 'null::bigint' if run.incremental
            else '(select count(*) from split_hours) + row_number() over ()' }} as id,
        source_sets.project_id,
        source_sets.event_type,
        {{ analytics_dimension_columns('source_sets') }},
        source_sets.hour_bucket,
        source_sets.event_count,
        cardinality(source_sets.visitor_keys)::bigint as unique_visitors,
        cardinality(source_sets.session_keys)::bigint as unique_sessions,
        now() as created_at,
        now() as updated_at
    from source_sets
    where source_sets.whole_hour

)

select * from final
