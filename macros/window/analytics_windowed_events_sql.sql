{% macro analytics_windowed_events_sql(events, target, params, incremental, grain, bucket, claimed=none,
    covers=none) -%}
    {#- CTEs `run_window` and `windowed_events`: the cleaned events of the run's window, read
        through the raw table's created_at index on incremental runs (the bounds are InitPlans;
        a first build sees its bounds as expressions and scans the table), plus, with late-change
        tracking, the events of the buckets holding claimed pending hours (`extra_buckets`). -#}
events as (

    select * from {{ events }}

),

run_window as (

    {{ analytics_window_sql(target, params, incremental, grain, bucket, covers) }}

),
{%- if claimed %}

extra_buckets as (

    {{ analytics_extra_buckets_sql(claimed, grain, covers=covers, target=target) }}

),
{%- endif %}

windowed_events as (

    select events.*
    from events
    where
        {%- if incremental %}
        events.created_at >= (select run_window.window_start from run_window)
        and events.created_at < (select run_window.window_end from run_window)
        {%- else %}
        {%- set bounds = analytics_full_window_bounds(params, grain) %}
        events.created_at >= {{ bounds.start }}
        and events.created_at < {{ bounds.end }}
        {%- endif %}
    {%- if claimed %}
    union all
    select events.*
    from extra_buckets
    inner join events
        on
            events.created_at >= extra_buckets.bucket_start
            and events.created_at < extra_buckets.bucket_end
    {%- endif %}

)
{%- endmacro %}
