{%- set analytics = {
    'grain': 'hour',
    'unique': ['hour_bucket', 'day_bucket', 'project_id', 'event_type'] + analytics_dimensions('name'),
    'nullable_keys': analytics_dimensions('name'),
    'kept_for': ['analytics_events_hourly_agg', 'analytics_events_hourly_type_agg',
        'analytics_events_project_hourly_sets', 'analytics_events_daily_sets'],
    'build': 'event_sets',
} -%}
{{
    config(
        meta={'analytics': analytics},
        pre_hook=["{{ analytics_ensure_settled_columns() }}"],
    )
}}

{#- One row per project, event type, label, UTC hour and day (rollup time zone): the slice of
    an hour that lies in one day, with its event count and its distinct visitors and sessions as
    sorted arrays of member ids (the member dictionary, numbered here for keys it does not hold
    yet: analytics_member_ids_ctes) and the sum of its events' hashes (event_fingerprint). The
    only model that reads the raw events, for the run's window of hours; every other table is a
    union of these sets. An hour of the window whose events are what its stored slices were made
    of is kept as stored, not sliced again (analytics_changed_hours_ctes). Kept for the days the
    lookback can still change (analytics_prune_kept_sets). -#}
{%- set run = analytics_run_context('analytics_events_hourly_slices', analytics) -%}
{#- (a first build reads its window's bounds as expressions: run_window is unused there) #}
with {{ analytics_windowed_events_ctes(ref('stg_analytics_events'), run) }},  -- noqa: ST03

fingerprinted_events as (

    select
        windowed_events.*,
        -- an incremental run's events; a first build hashes nothing (its slices have no sums,
        -- so the next run slices its window's hours again once, then compares them): hashing
        -- the benchmark's 30 M events would cost some 10 s
        {{ analytics_event_fingerprint('windowed_events') | indent(8)
            if run.incremental else 'null::bigint' }} as event_fingerprint
    from windowed_events

),

{{ analytics_changed_hours_ctes(run, 'fingerprinted_events') }}

{{ analytics_member_ids_ctes(run, 'changed_events') }}

keyed_events as (

    select
        -- lead the grouping so the sort compares bigints and timestamps, not texts, and the
        -- rows come out clustered by project and hour (what dashboards read); the real keys
        -- follow them
        hashtextextended(event_members.project_id, 0) as project_hash,
        hashtextextended(
            event_members.event_type
            {%- for name in analytics_dimensions('name') %}
                || '/' || coalesce(event_members.{{ name }}, '')
            {%- endfor %}, 0
        ) as label_hash,
        event_members.project_id,
        event_members.event_type,
        {{ analytics_dimension_columns('event_members') }},
        {{ analytics_bucket_sql('hour', 'event_members.created_at') }} as hour_bucket,
        {{ analytics_bucket_sql('day', 'event_members.created_at') }} as day_bucket,
        visitor_ids.member_id as visitor_key,
        session_ids.member_id as session_key,
        event_members.event_fingerprint
    from event_members
    left join member_ids as visitor_ids
        on
            event_members.project_id = visitor_ids.project_id
            and visitor_ids.kind = 'v'
            and event_members.visitor_member_key = visitor_ids.member_key
    left join member_ids as session_ids
        on
            event_members.project_id = session_ids.project_id
            and session_ids.kind = 's'
            and event_members.session_member_key = session_ids.member_key

),

sliced as (

    -- one slice per project, event type, label, UTC hour and day of the rollup zone (an hour
    -- is one slice, or two in a zone such as Asia/Kolkata whose days start at :30), its
    -- members as sorted, de-duplicated sets of member ids (an ordered aggregate: the rows are
    -- grouped by a sort, never by a hash table of array states, which spilled to disk and took
    -- a second for an hour of the benchmark's events)
    select
        project_id,
        event_type,
        {{ analytics_dimension_columns() }},
        hour_bucket,
        day_bucket,
        count(*) as event_count,
        coalesce(
            array_agg(distinct visitor_key order by visitor_key) filter (
                where visitor_key is not null
            ),
            '{}'
        ) as visitor_keys,
        coalesce(
            array_agg(distinct session_key order by session_key) filter (
                where session_key is not null
            ),
            '{}'
        ) as session_keys,
        {{ 'sum(event_fingerprint)' if run.incremental else 'null::numeric' }}
            as event_fingerprint
    from keyed_events
    group by
        project_hash,
        hour_bucket,
        label_hash,
        project_id,
        event_type,
        {{ analytics_dimension_columns() }},
        day_bucket

),

final as (

    select * from sliced
    {{- analytics_unchanged_slices_sql(run) }}

)

select * from final
