{% macro analytics_members_sql(events, target, params, incremental, grain, dimensions, claimed=none) -%}
    {#- The de-duplicated visitors and sessions of each bucket: one row per `dimensions` (e.g.
        project, event type, label; or the project alone), bucket, member kind ('visitor' /
        'session') and member id. Distinct counts over any set of buckets are exact counts of
        distinct rows here, at a fraction of the raw table's size. -#}
    {%- set bucket = grain ~ '_bucket' -%}
with {{ analytics_windowed_events_sql(events, target, params, incremental, grain, bucket, claimed) }},

final as (

    select distinct
        {%- for dimension in dimensions %}
        windowed_events.{{ dimension }},
        {%- endfor %}
        {{ analytics_bucket_sql(grain, 'windowed_events.created_at') }} as {{ bucket }},
        member_row.member_kind,
        member_row.member_id
    from windowed_events
    cross join lateral (
        values
        ('visitor', windowed_events.visitor_id::text),
        ('session', windowed_events.session_id::text)
    ) as member_row (member_kind, member_id)
    where member_row.member_id is not null

)

select * from final
{%- endmacro %}
