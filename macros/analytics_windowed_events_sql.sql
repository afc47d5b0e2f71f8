{% macro analytics_windowed_events_sql(events, target, params, incremental, grain, bucket) -%}
    {#- CTEs `run_window` and `windowed_events`: the cleaned events of the run's window, read
        through the raw table's created_at index (the bounds are InitPlans). -#}
events as (

    select * from {{ events }}

),

run_window as (

    {{ analytics_window_sql(target, params, incremental, grain, bucket) }}

),

windowed_events as (

    select events.*
    from events
    where
        events.created_at >= (select run_window.window_start from run_window)
        and events.created_at < (select run_window.window_end from run_window)

)
{%- endmacro %}
