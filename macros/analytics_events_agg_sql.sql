{% macro analytics_events_agg_sql(events, target, params, incremental, grain='hour', claimed=none) -%}
    {#- One row per project, event type, label and bucket (UTC hour, or day in the rollup time
        zone) of the run's window, straight from the cleaned events: the event count and the
        exact distinct visitors and sessions. Rendered by the models analytics_events_hourly_agg
        and analytics_events_daily_agg and by the pg_cron refresh function. -#}
    {%- set bucket = grain ~ '_bucket' -%}
with {{ analytics_windowed_events_sql(events, target, params, incremental, grain, bucket, claimed) }},

aggregated as (

    select
        project_id,
        event_type,
        event_label,
        {{ analytics_bucket_sql(grain) }} as {{ bucket }},
        count(*) as event_count,
        count(distinct visitor_id) as unique_visitors,
        count(distinct session_id) as unique_sessions
    from windowed_events
    group by
        project_id,
        event_type,
        event_label,
        {{ analytics_bucket_sql(grain) }}

),

final as (

    select
        {%- if grain == 'hour' %}
        {%- if incremental %}
        null::bigint as id,
        {%- else %}
        row_number() over (
            order by {{ bucket }}, project_id, event_type, event_label
        ) as id,
        {%- endif %}
        {%- endif %}
        project_id,
        event_type,
        event_label,
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
