{% macro analytics_events_agg_sql(events, target, params, incremental, grain='hour', claimed=none,
    dimensions=['project_id', 'event_type', 'event_label'], surrogate_id=false) -%}
    {#- One row per `dimensions` (project, event type, label; or project and type) and bucket
        (UTC hour, or day in the rollup time zone) of the run's window, straight from the
        cleaned events: the event count and the exact distinct visitors and sessions. Rendered
        by the models analytics_events_hourly_agg, analytics_events_daily_agg and their
        per-type twins (analytics_events_*_type_agg) and by the pg_cron refresh function.
        surrogate_id: the hourly table's `id` (generated always as identity). -#}
    {%- set bucket = grain ~ '_bucket' -%}
with {{ analytics_windowed_events_sql(events, target, params, incremental, grain, bucket, claimed) }},

aggregated as (

    select
        {%- for dimension in dimensions %}
        {{ dimension }},
        {%- endfor %}
        {{ analytics_bucket_sql(grain) }} as {{ bucket }},
        count(*) as event_count,
        count(distinct visitor_id) as unique_visitors,
        count(distinct session_id) as unique_sessions
    from windowed_events
    group by
        {%- for dimension in dimensions %}
        {{ dimension }},
        {%- endfor %}
        {{ analytics_bucket_sql(grain) }}

),

final as (

    select
        {%- if surrogate_id %}
        {%- if incremental %}
        null::bigint as id,
        {%- else %}
        -- numbered as the rows come (no sort): the id says nothing about time or order
        row_number() over () as id,
        {%- endif %}
        {%- endif %}
        {%- for dimension in dimensions %}
        {{ dimension }},
        {%- endfor %}
        {{ bucket }},
        event_count,
        unique_visitors,
        unique_sessions,
        now() as created_at,
        now() as updated_at
    from aggregated

)

select * from final
{%- endmacro %}
