{% macro analytics_hourly_window_sql(target, params, incremental) -%}
    {#- One row: the UTC hours [window_start, window_end) that this run re-aggregates.
        First build / --full-refresh: the last backfill hours. Incremental: from the earlier of the
        lookback start and the first hour after the newest stored one (so a run after an outage
        catches up every missed hour), or exactly the re-aggregation range when one is given.
        Always ends at the last completed hour before as_of. -#}
    select
        {%- if incremental %}
        coalesce(
            date_trunc('hour', {{ params.range_from }}, 'UTC'),
            least(
                date_trunc('hour', {{ params.as_of }}, 'UTC')
                - make_interval(hours => {{ params.lookback_hours }}),
                coalesce(
                    (select max(stored.hour_bucket) from {{ target }} as stored) + interval '1 hour',
                    date_trunc('hour', {{ params.as_of }}, 'UTC')
                    - make_interval(hours => {{ params.backfill_hours }})
                )
            )
        ) as window_start,
        least(
            date_trunc('hour', {{ params.as_of }}, 'UTC'),
            date_trunc('hour', {{ params.range_to }} - interval '1 microsecond', 'UTC')
            + interval '1 hour'
        ) as window_end
        {%- else %}
        date_trunc('hour', {{ params.as_of }}, 'UTC')
        - make_interval(hours => {{ params.backfill_hours }}) as window_start,
        date_trunc('hour', {{ params.as_of }}, 'UTC') as window_end
        {%- endif %}
{%- endmacro %}
