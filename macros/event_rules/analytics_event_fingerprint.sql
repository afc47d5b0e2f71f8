{% macro analytics_event_fingerprint(alias) -%}
    {#- A 64-bit hash (bigint) of everything a cleaned event of stg_analytics_events (`alias`)
        puts into its slice: project, type, dimensions, visitor and session id as a record's
        text (injective: its quoting tells NULL from '' and a comma in a value from the
        separator) with the event's created_at in microseconds as the seed (finite:
        analytics_unaggregatable_reason), so an event moved in time changes it too. The same
        for every session time zone and date style. A slice stores the sum of its events'
        hashes (event_fingerprint); the slices' build re-slices an hour of its window only when
        its events' count or sum differs from what its stored slices hold. -#}
hashtextextended(
    row(
        {{ alias }}.project_id,
        {{ alias }}.event_type,
        {%- for name in analytics_dimensions('name') %}
        {{ alias }}.{{ name }},
        {%- endfor %}
        {{ alias }}.visitor_id,
        {{ alias }}.session_id
    )::text,
    (extract(epoch from {{ alias }}.created_at) * 1000000)::bigint
)
{%- endmacro %}
