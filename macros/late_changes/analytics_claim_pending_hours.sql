{% macro analytics_claim_pending_hours(model_name, as_of=none) -%}
    {#- Pre-hook (and the refresh function's first step per model), after the advisory lock:
        1. move the application's marks out of the append-only analytics_change_log into
           analytics_pending_hours, one row per aggregate and hour (only runs write there, one
           at a time, so the application never waits on it);
        2. move this model's pending hours before its window end out of analytics_pending_hours
           into a temp table, oldest first, at most var pending_batch_hours (default 168).
        A mark whose transaction has not committed is not visible yet: it stays in the log for
        the next run, and its events are not in this run's snapshot either. -#}
    {%- set claimed = analytics_claimed_relation(model_name) -%}
    {%- if claimed is none -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set pending = analytics_relation('analytics_pending_hours') -%}
    {%- set log = analytics_relation('analytics_change_log') -%}
    {%- set limit = analytics_int_var('pending_batch_hours', 1) -%}
    {%- set as_of = as_of or analytics_as_of() -%}
    {%- set spec = analytics_model_spec(model_name) -%}
    {%- set window_end = analytics_window_end_sql(analytics_relation(model_name), as_of,
        spec.grain, spec.closed_buckets) -%}
with moved as (
    delete from {{ log }}
    returning hour_bucket
)
insert into {{ pending }} (target, hour_bucket)
select aggregate_target.name, touched.hour_bucket
from (select distinct moved.hour_bucket from moved) as touched
cross join unnest(array['{{ analytics_model_spec('all') | join("', '") }}']) as aggregate_target (name)
on conflict (target, hour_bucket) do nothing;
drop table if exists {{ claimed }};
create temporary table {{ claimed.split('.')[1] }} on commit drop as
with claimed as (
    delete from {{ pending }} as pending
    where
        pending.target = {{ analytics_sql_literal(model_name) }}
        and pending.hour_bucket in (
            select oldest.hour_bucket
            from {{ pending }} as oldest
            where
                oldest.target = {{ analytics_sql_literal(model_name) }}
                and oldest.hour_bucket < {{ window_end }}
            order by oldest.hour_bucket
            limit {{ limit }}
        )
    returning pending.hour_bucket
)
select distinct hour_bucket from claimed
{%- endmacro %}
