{% macro analytics_full_window_bounds(params, grain='hour', closed=false) -%}
    {#- The first build's / --full-refresh's window as two SQL expressions of as_of alone
        (no table read): from the bucket holding as_of - backfill_days to the last completed
        hour (for a model that keeps closed buckets only, the start of the bucket holding it).
        The SELECT inlines them, so the planner sees what share of the raw table they
        cover (usually all of it: a parallel sequential scan, not the created_at index). -#}
    {%- set g = analytics_grain(grain) -%}
    {%- set as_of_hour = "date_trunc('hour', " ~ params.as_of ~ ", 'UTC')" -%}
    {{ return({
        'start': "date_trunc('" ~ g.unit ~ "', " ~ as_of_hour ~ " - (" ~ params.backfill_hours
            ~ ") * interval '1 hour', '" ~ g.tz ~ "')",
        'end': analytics_window_end_sql(none, params.as_of, grain, true) if closed
            else as_of_hour,
    }) }}
{%- endmacro %}
