{% macro analytics_event_sets_sql(events, target, params, incremental, spec, claimed=none) -%}
    {#- The only SELECT that reads the raw events: one row per project, event type, label, UTC
        hour and day (rollup time zone) of the run's window, the slice of an hour that lies in
        one day (an hour is one slice, or two in a zone such as Asia/Kolkata whose days start
        at :30), with its event count and its distinct visitors and sessions as sorted arrays of
        128-bit keys (analytics_member_digest). Every other table is a union of these sets. -#}
    {%- set tz = analytics_time_zone() -%}
with {{ analytics_windowed_events_sql(events, target, params, incremental, 'hour', 'hour_bucket',
    claimed, spec.get('covers')) }},

keyed_events as (

    select
        -- lead the grouping so the sort compares bigints and timestamps, not texts, and the
        -- rows come out clustered by project and hour (what dashboards read); the real keys
        -- follow them
        hashtextextended(windowed_events.project_id, 0) as project_hash,
        hashtextextended(
            windowed_events.event_type || '/' || coalesce(windowed_events.event_label, ''), 0
        ) as label_hash,
        windowed_events.project_id,
        windowed_events.event_type,
        windowed_events.event_label,
        {{ analytics_bucket_sql('hour', 'windowed_events.created_at') }} as hour_bucket,
        {{ analytics_bucket_sql('day', 'windowed_events.created_at') }} as day_bucket,
        {{ analytics_member_digest('windowed_events.visitor_id') }} as visitor_key,
        {{ analytics_member_digest('windowed_events.session_id') }} as session_key
    from windowed_events

),

final as (

    select
        project_id,
        event_type,
        event_label,
        hour_bucket,
        day_bucket,
        count(*) as event_count,
        {%- for kind in ['visitor', 'session'] %}
        coalesce(
            array_agg(distinct {{ kind }}_key order by {{ kind }}_key)
                filter (where {{ kind }}_key is not null),
            '{}'
        ) as {{ kind }}_keys{{ ',' if not loop.last }}
        {%- endfor %}
    from keyed_events
    group by
        project_hash,
        hour_bucket,
        label_hash,
        project_id,
        event_type,
        event_label,
        day_bucket

)

select * from final
{%- endmacro %}
