{% test analytics_recency(model, column_name, max_lag_hours=2) %}
{#- Fails when the newest completed hour stored is more than max_lag_hours behind the run's
    as_of (default now): the plan's health check "latest hour_bucket within 2 hours". An empty
    table passes: there is nothing to be fresh about yet. -#}
with newest as (
    select max({{ column_name }}) as newest_bucket
    from {{ model }}
)

select newest_bucket
from newest
where
    newest_bucket
    < date_trunc('hour', {{ analytics_as_of() }}, 'UTC')
    - make_interval(hours => {{ max_lag_hours }})
{% endtest %}
