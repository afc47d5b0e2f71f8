{% macro analytics_windowed_events_ctes(events, run) -%}
    {#- The CTEs `events`, `run_window`, [`extra_buckets`,] `windowed_events` (analytics_window_ctes
        for the middle ones): the cleaned events of the run's window, read through the raw
        table's created_at index on incremental runs (the bounds are InitPlans; a first build
        sees its bounds as expressions and scans the table), plus, with late-change tracking,
        the events of the buckets holding claimed pending hours. `run` is analytics_run_context(). -#}
events as (

    select * from {{ events }}

),

{{ analytics_window_ctes(run) }}

windowed_events as (

    select events.*
    from events
    where
        {%- if run.incremental %}
        events.created_at >= (select run_window.window_start from run_window)
        and events.created_at < (select run_window.window_end from run_window)
        {%- else %}
        {%- set bounds = analytics_full_window_bounds(run.params, run.spec.grain,
            run.spec.closed_buckets) %}
        events.created_at >= {{ bounds.start }}
        and events.created_at < {{ bounds.end }}
        {%- endif %}
    {%- if run.claimed %}
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
