{% test analytics_recency(model, column_name, max_lag_hours=2) %}
{#- Fails when the newest completed hour stored is more than max_lag_hours behind the run's
    as_of (default now) while aggregatable raw events are waiting in the completed hours after
    it: the same rule as `analytics_ops.py status`, so a quiet night with no events passes.
    Stored buckets later than as_of (which no run can write) do not count as fresh, and raw
    rows outside the aggregatable time range are not waiting (the staging view drops them). -#}
{%- set as_of_hour = "date_trunc('hour', " ~ analytics_as_of() ~ ", 'UTC')" -%}
with newest as (

    select max({{ column_name }}) as newest_bucket
    from {{ model }}
    where {{ column_name }} < {{ as_of_hour }}

),

waiting as (

    select min(events.created_at) as first_waiting_at
    from {{ ref('stg_analytics_events') }} as events
    where
        events.created_at >= coalesce(
            (select newest.newest_bucket from newest) + interval '1 hour', '-infinity'
        )
        and events.created_at < {{ as_of_hour }}

)

select
    newest.newest_bucket,
    waiting.first_waiting_at
from newest
cross join waiting
where
    waiting.first_waiting_at is not null
    and coalesce(newest.newest_bucket, '-infinity')
    < {{ as_of_hour }} - ({{ max_lag_hours }}) * interval '1 hour'
{% endtest %}
