{% macro analytics_hourly_agg_sql(events, target, params, incremental) -%}
    {#- The aggregation itself: one row per project, event type, label and UTC hour of the run's
        window. The dbt model and the pg_cron refresh function both render this macro. -#}
with events as (

    select * from {{ events }}

),

run_window as (

    {{ analytics_hourly_window_sql(target, params, incremental) }}

),

windowed_events as (

    select events.*
    from events
    where
        events.created_at >= (select run_window.window_start from run_window)
        and events.created_at < (select run_window.window_end from run_window)

),

aggregated as (

    select
        project_id,
        event_type,
        event_label,
        date_trunc('hour', created_at, 'UTC') as hour_bucket,
        count(*) as event_count,
        count(distinct visitor_id) as unique_visitors,
        count(distinct session_id) as unique_sessions
    from windowed_events
    group by
        project_id,
        event_type,
        event_label,
        date_trunc('hour', created_at, 'UTC')

),

final as (

    select
        {% if incremental -%}
        null::bigint as id,
        {%- else -%}
        row_number() over (
            order by hour_bucket, project_id, event_type, event_label
        ) as id,
        {%- endif %}
        project_id,
        event_type,
        event_label,
        hour_bucket,
        event_count,
        unique_visitors,
        unique_sessions,
        now() as created_at,
        now() as updated_at
    from aggregated

)

select * from final
{%- endmacro %}
