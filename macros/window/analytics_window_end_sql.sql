{% macro analytics_window_end_sql(target, as_of, grain='hour', closed=false) -%}
    {#- Where a run's window ends: the last completed UTC hour before as_of. A run whose as_of is
        earlier than what a previous run already aggregated this table through (a re-run of an
        old scheduler slot; analytics_refresh_state) ends at the start of the bucket holding
        as_of instead, so it rebuilds whole buckets only and never shrinks a day or week that
        a later run filled. Hours are whole by construction. A model that keeps closed buckets
        only (spec closed_buckets) always ends at the start of the bucket holding as_of. -#}
    {%- set as_of_hour = "date_trunc('hour', " ~ as_of ~ ", 'UTC')" -%}
    {%- if grain == 'hour' -%}
        {{ return(as_of_hour) }}
    {%- endif -%}
    {%- set g = analytics_grain(grain) -%}
    {%- if closed -%}
        {{ return("date_trunc('" ~ g.unit ~ "', " ~ as_of_hour ~ ", '" ~ g.tz ~ "')") }}
    {%- endif -%}
    case
        when {{ as_of_hour }} >= coalesce((
            select state.aggregated_through
            from {{ analytics_relation('analytics_refresh_state', target.schema) }} as state
            where state.model = {{ analytics_sql_literal(target.identifier) }}
        ), '-infinity')
            then {{ as_of_hour }}
        else date_trunc('{{ g.unit }}', {{ as_of_hour }}, '{{ g.tz }}')
    end
{%- endmacro %}
