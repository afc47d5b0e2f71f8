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
    yet: analytics_member_ids_ctes). The only model that reads the raw events, for the run's
    window of hours; every other table is a union of these sets. Kept for the days the lookback can still
    change (analytics_prune_kept_sets). -#}
{%- set run = analytics_run_context('analytics_events_hourly_slices', analytics) -%}
{#- an incremental run compares each hour of its window with the slices stored for it; not in a
    unit test (`this` is a fixture), nor when the table lacks a column this file writes (a new
    dimension: the run then stops on dbt's schema check, by name) -#}
{%- set compare = namespace(on=run.incremental and run.target is not string
    and not (model is defined and model.resource_type == 'unit_test')) -%}
{%- if compare.on and execute -%}
    {%- set stored_columns = adapter.get_columns_in_relation(run.target)
        | map(attribute='name') | list -%}
    {%- for name in analytics_dimensions('name') + ['event_fingerprint']
        if name not in stored_columns -%}
        {%- set compare.on = false -%}
    {%- endfor -%}
{%- endif -%}
with {{ analytics_windowed_events_ctes(ref('stg_analytics_events'), run) }},

fingerprinted_events as (

    select
        windowed_events.*,
        {%- if run.incremental %}
        {{ analytics_event_fingerprint('windowed_events') | indent(8) }} as event_fingerprint
        {%- else %}
        -- a first build hashes only the hours a later run's lookback compares (every event of
        -- the benchmark's 30 days would cost some 20 s); a slice without a sum is sliced again
        case
            when windowed_events.created_at >= date_trunc('hour', {{ run.params.as_of }}, 'UTC')
                - ({{ run.params.lookback_hours }}) * interval '1 hour'
                then {{ analytics_event_fingerprint('windowed_events') | indent(16) }}
        end as event_fingerprint
        {%- endif %}
    from windowed_events

),
{%- if compare.on %}

hour_fingerprints as (

    -- each hour of the window as its events are now: their count and the sum of their hashes
    select
        {{ analytics_bucket_sql('hour', 'fingerprinted_events.created_at') }} as hour_bucket,
        count(*) as event_count,
        sum(fingerprinted_events.event_fingerprint) as event_fingerprint
    from fingerprinted_events
    group by 1

),

unchanged_hours as (

    -- the hours whose stored slices were made of exactly these events (count and sum equal; a
    -- changed hour keeps both with odds of 2^-64): they are kept as they are, not sliced again,
    -- so a run numbers and groups the new hour and the changed ones only (the lookback's hours
    -- rarely change). An hour with no events now, or stored without sums (an older release),
    -- is sliced again; so is every hour of a re-aggregation range, which rebuilds what it names.
    select stored_hours.hour_bucket
    from (
        select
            stored.hour_bucket,
            sum(stored.event_count) as event_count,
            sum(stored.event_fingerprint) as event_fingerprint
        from {{ run.target }} as stored
        where
            stored.hour_bucket >= (select run_window.window_start from run_window)
            and stored.hour_bucket < (select run_window.window_end from run_window)
            and ({{ run.params.reaggregate_from }}) is null
        group by stored.hour_bucket
    ) as stored_hours
    inner join hour_fingerprints
        on
            stored_hours.hour_bucket = hour_fingerprints.hour_bucket
            and stored_hours.event_count = hour_fingerprints.event_count
            and stored_hours.event_fingerprint = hour_fingerprints.event_fingerprint

),

changed_events as (

    select fingerprinted_events.*
    from fingerprinted_events
    where
        {{ analytics_bucket_sql('hour', 'fingerprinted_events.created_at') }} not in (
            select unchanged_hours.hour_bucket from unchanged_hours
        )

),
{%- endif %}

{{ analytics_member_ids_ctes(run, 'changed_events' if compare.on else 'fingerprinted_events') }}

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
        sum(event_fingerprint) as event_fingerprint
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
    {%- if compare.on %}
    union all
    -- the unchanged hours' slices as stored
    select
        stored.project_id,
        stored.event_type,
        {{ analytics_dimension_columns('stored') }},
        stored.hour_bucket,
        stored.day_bucket,
        stored.event_count,
        stored.visitor_keys,
        stored.session_keys,
        stored.event_fingerprint
    from {{ run.target }} as stored
    where stored.hour_bucket in (select unchanged_hours.hour_bucket from unchanged_hours)
    {%- endif %}

)

select * from final
