{% macro analytics_late_changes_enabled() -%}
    {#- var track_late_changes (default false): mark the hours that every INSERT, UPDATE or
        DELETE on the raw table touches, so the next run re-aggregates them at any lateness. -#}
    {{ return(var('track_late_changes', false) in (true, 'true', 'True', 1, '1')) }}
{%- endmacro %}

{% macro analytics_claimed_relation(model_name) -%}
    {#- The temp table holding the pending hours a model's run claimed (pre-hook
        analytics_claim_pending_hours), or none when tracking is off. -#}
    {%- if not analytics_late_changes_enabled()
        or (model is defined and model.resource_type == 'unit_test') -%}
        {#- a unit test renders the model without its pre-hooks: nothing was claimed #}
        {{ return(none) }}
    {%- endif -%}
    {{ return('pg_temp.analytics_claimed_' ~ model_name[:40]) }}
{%- endmacro %}

{% macro analytics_extra_buckets_sql(claimed, grain, window_cte='run_window', covers=none,
    target=none) -%}
    {#- The buckets outside the run's contiguous window that claimed pending hours fall in,
        each as [bucket_start, bucket_end), cut at the window's end. Windows start on bucket
        boundaries, so these buckets never overlap the window. An hour is in one day, or in two
        in a zone whose days start at :30. With `covers` (the slices): for a claimed hour in a day
        whose slices were pruned (analytics_kept_from_sql of `target`), every hour of that day,
        so the day can be rebuilt from its slices. -#}
    {%- set g = analytics_grain(grain) -%}
    {%- set tz = g.tz -%}
    {%- set starts -%}
        {%- if covers and grain == 'hour' -%}
        select hours.hour_start
        from {{ claimed }} as claimed
        -- the UTC hours overlapping the day or days (rollup zone) the claimed hour lies in
        cross join lateral generate_series(
            case
                when {{ analytics_bucket_sql('day', 'claimed.hour_bucket') }}
                    < {{ analytics_kept_from_sql(target) }}
                    then date_trunc('hour', {{ analytics_bucket_sql('day', 'claimed.hour_bucket') }}, 'UTC')
                else claimed.hour_bucket
            end,
            case
                when {{ analytics_bucket_sql('day', 'claimed.hour_bucket') }}
                    < {{ analytics_kept_from_sql(target) }}
                    then date_trunc('hour', ({{ analytics_bucket_sql('day', "claimed.hour_bucket + interval '59:59.999999'") }}
                        at time zone '{{ analytics_time_zone() }}' + interval '1 day')
                        at time zone '{{ analytics_time_zone() }}' - interval '1 microsecond', 'UTC')
                else claimed.hour_bucket
            end,
            interval '1 hour'
        ) as hours (hour_start)
        {%- else -%}
        select {{ analytics_bucket_sql(grain, 'claimed.hour_bucket') }} as hour_start
        from {{ claimed }} as claimed
        union
        select {{ analytics_bucket_sql(grain, "claimed.hour_bucket + interval '59:59.999999'") }}
        from {{ claimed }} as claimed
        {%- endif -%}
    {%- endset -%}
    select distinct
        {{ analytics_bucket_sql(grain, 'touched.hour_start') }} as bucket_start,
        least(
            (
                {{ analytics_bucket_sql(grain, 'touched.hour_start') }} at time zone '{{ tz }}'
                + interval '1 {{ g.unit }}'
            ) at time zone '{{ tz }}',
            (select w.window_end from {{ window_cte }} as w)
        ) as bucket_end
    from ({{ starts }}) as touched
    where touched.hour_start < (select w.window_start from {{ window_cte }} as w)
{%- endmacro %}

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
    {%- set limit = analytics_int_var('pending_batch_hours', 168, 1) -%}
    {%- set as_of = as_of or analytics_as_of() -%}
    {%- set window_end = analytics_window_end_sql(analytics_relation(model_name), as_of,
        analytics_model_spec(model_name).grain) -%}
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


{% macro analytics_sync_late_change_tracking() -%}
    {#- on-run-start: with track_late_changes on, create analytics_pending_hours, the trigger
        function and the statement-level triggers on the raw table; with it off, drop the
        triggers if they are there (the raw table is then exactly as the app made it).
        Also `dbt run-operation analytics_track_late_changes --vars '{track_late_changes: true}'`. -#}
    {%- set raw = source('app', 'analytics_events') -%}
    {%- set pending = analytics_relation('analytics_pending_hours') -%}
    {%- set log = analytics_relation('analytics_change_log') -%}
    {%- set fn = analytics_quote(target.schema) ~ '.analytics_mark_pending_hours' -%}
    {%- if not analytics_late_changes_enabled() -%}
{{ analytics_lock_sql('analytics_events_agg_hooks') }};
do $sync$
declare
    trg text;
begin
    for trg in
        select tgname from pg_trigger
        where tgrelid = to_regclass({{ analytics_sql_literal(raw) }})
            and tgname like 'analytics_mark_pending_%'
    loop
        execute format('drop trigger %I on {{ raw }}', trg);
    end loop;
end
$sync$
    {%- else %}
{{ analytics_lock_sql('analytics_events_agg_hooks') }};
-- the application's marks: append-only, no key, so an insert never waits on another
-- transaction's insert and cannot deadlock (runs de-duplicate when they move them)
create table if not exists {{ log }} (
    hour_bucket timestamptz not null,
    logged_at timestamptz not null default now()
);
{{ analytics_internal_table_grants(log) }};
-- per aggregate: the hours still to re-aggregate (written by runs only, one at a time)
create table if not exists {{ pending }} (
    target text not null,
    hour_bucket timestamptz not null,
    marked_at timestamptz not null default now(),
    primary key (target, hour_bucket)
);
{{ analytics_internal_table_grants(pending) }};

create or replace function {{ fn }}()
returns trigger
language plpgsql
security definer
set search_path = ''
as $fn$
begin
    -- One row per distinct UTC hour the statement touched, not per event; a plain insert.
    {%- for transition, operations in [('new_rows', "'INSERT', 'UPDATE'"),
                                        ('old_rows', "'DELETE', 'UPDATE'")] %}
    if tg_op in ({{ operations }}) then
        insert into {{ log }} (hour_bucket)
        select distinct date_trunc('hour', changed.created_at, 'UTC')
        from {{ transition }} as changed
        where changed.created_at is not null and isfinite(changed.created_at);
    end if;
    {%- endfor %}
    return null;
end
$fn$;
{{ analytics_grant_exactly('function', fn ~ '()') }};

do $sync$
begin
    -- created once: CREATE TRIGGER locks the app's table, so it is not repeated every run
    {%- for operation, transitions in [
        ('insert', 'new table as new_rows'),
        ('update', 'old table as old_rows new table as new_rows'),
        ('delete', 'old table as old_rows'),
    ] %}
    if not exists (select from pg_trigger where tgrelid = {{ analytics_sql_literal(raw) }}::regclass
                   and tgname = 'analytics_mark_pending_{{ operation }}') then
        create trigger analytics_mark_pending_{{ operation }} after {{ operation }} on {{ raw }}
        referencing {{ transitions }}
        for each statement execute function {{ fn }}();
    end if;
    {%- endfor %}
end
$sync$
    {%- endif %}
{%- endmacro %}

{% macro analytics_track_late_changes() -%}
    {#- `dbt run-operation analytics_track_late_changes --vars '{track_late_changes: true}'`
        installs the change tracking without a run (false removes the triggers). -#}
    {%- do run_query(analytics_sync_late_change_tracking()) -%}
    {%- do log('late-change tracking is ' ~ ('on' if analytics_late_changes_enabled() else 'off'),
        info=true) -%}
{%- endmacro %}
