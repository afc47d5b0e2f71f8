{% macro analytics_late_changes_enabled() -%}
    {#- var track_late_changes (default false): mark the hours that every INSERT, UPDATE or
        DELETE on the raw table touches, so the next run re-aggregates them at any lateness. -#}
    {{ return(var('track_late_changes', false) in (true, 'true', 'True', 1, '1')) }}
{%- endmacro %}

{% macro analytics_claimed_relation(model_name) -%}
    {#- The temp table holding the pending hours a model's run claimed (pre-hook
        analytics_claim_pending_hours), or none when tracking is off. -#}
    {%- if not analytics_late_changes_enabled() -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return('pg_temp.analytics_claimed_' ~ model_name[:40]) }}
{%- endmacro %}

{% macro analytics_extra_buckets_sql(claimed, grain, window_cte='run_window') -%}
    {#- The buckets outside the run's contiguous window that claimed pending hours fall in,
        each as [bucket_start, bucket_end), cut at the window's end. Windows start on bucket
        boundaries, so these buckets never overlap the window. -#}
    {%- set tz = analytics_grain(grain).tz -%}
    select distinct
        {{ analytics_bucket_sql(grain, 'claimed.hour_bucket') }} as bucket_start,
        least(
            (
                {{ analytics_bucket_sql(grain, 'claimed.hour_bucket') }} at time zone '{{ tz }}'
                + interval '1 {{ analytics_grain(grain).unit }}'
            ) at time zone '{{ tz }}',
            (select w.window_end from {{ window_cte }} as w)
        ) as bucket_end
    from {{ claimed }} as claimed
    where claimed.hour_bucket < (select w.window_start from {{ window_cte }} as w)
{%- endmacro %}

{% macro analytics_claim_pending_hours(model_name, as_of=none) -%}
    {#- Pre-hook (and the refresh function's first step per model): move this model's pending
        hours before the last completed hour out of analytics_pending_hours into a temp table,
        oldest first, at most var pending_batch_hours (default 168) per run. Runs after the
        advisory lock and before the model's SELECT, so every event whose mark is claimed has
        committed before the SELECT's snapshot; a mark written later stays for the next run
        (the trigger's upsert waits on a mark being claimed). -#}
    {%- set claimed = analytics_claimed_relation(model_name) -%}
    {%- if claimed is none -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set pending = analytics_relation('analytics_pending_hours') -%}
    {%- set limit = analytics_int_var('pending_batch_hours', 168, 1) -%}
    {%- set as_of = as_of or analytics_as_of() -%}
drop table if exists {{ claimed }};
create temporary table {{ claimed.split('.')[1] }} on commit drop as
with claimed as (
    delete from {{ pending }} as pending
    where
        pending.target = '{{ model_name }}'
        and pending.hour_bucket in (
            select oldest.hour_bucket
            from {{ pending }} as oldest
            where
                oldest.target = '{{ model_name }}'
                and oldest.hour_bucket < date_trunc('hour', {{ as_of }}, 'UTC')
            order by oldest.hour_bucket
            limit {{ limit }}
        )
    returning pending.hour_bucket
)
select distinct hour_bucket from claimed
{%- endmacro %}

{% macro analytics_mark_weekly_sql(model_name) -%}
    {#- After a daily rollup or the daily members re-aggregated claimed hours, the weekly
        rollups that read them must re-aggregate those weeks: mark the same hours for them, in
        the same transaction. -#}
    {%- set readers = {
        'analytics_events_daily_agg': ['analytics_events_weekly_agg'],
        'analytics_events_daily_type_agg': ['analytics_events_weekly_type_agg'],
        'analytics_events_daily_members': ['analytics_events_weekly_agg',
            'analytics_events_weekly_type_agg'],
    } -%}
    {%- set claimed = analytics_claimed_relation(model_name) -%}
    {%- if claimed is none or model_name not in readers -%}
        {{ return('select 1') }}
    {%- endif -%}
    insert into {{ analytics_relation('analytics_pending_hours') }} (target, hour_bucket)
    select weekly.name, claimed.hour_bucket
    from {{ claimed }} as claimed
    cross join unnest(array['{{ readers[model_name] | join("', '") }}']) as weekly (name)
    on conflict (target, hour_bucket) do update set marked_at = excluded.marked_at
{%- endmacro %}

{% macro analytics_sync_late_change_tracking() -%}
    {#- on-run-start: with track_late_changes on, create analytics_pending_hours, the trigger
        function and the statement-level triggers on the raw table; with it off, drop the
        triggers if they are there (the raw table is then exactly as the app made it).
        Also `dbt run-operation analytics_track_late_changes --vars '{track_late_changes: true}'`. -#}
    {%- set raw = source('app', 'analytics_events') -%}
    {%- set pending = analytics_relation('analytics_pending_hours') -%}
    {%- set fn = adapter.quote(target.schema) ~ '.analytics_mark_pending_hours' -%}
    {#- every aggregate read from the raw events (the weekly ones read the daily ones) -#}
    {%- set targets = [] -%}
    {%- for name in analytics_model_spec('all') if analytics_model_spec(name).grain != 'week' -%}
        {%- do targets.append(name) -%}
    {%- endfor -%}
    {%- if not analytics_late_changes_enabled() -%}
{{ analytics_lock_sql('analytics_events_agg_hooks') }};
do $sync$
declare
    trg text;
begin
    for trg in
        select tgname from pg_trigger
        where tgrelid = to_regclass('{{ raw }}') and tgname like 'analytics_mark_pending_%'
    loop
        execute format('drop trigger %I on {{ raw }}', trg);
    end loop;
end
$sync$
    {%- else %}
{{ analytics_lock_sql('analytics_events_agg_hooks') }};
create table if not exists {{ pending }} (
    target text not null,
    hour_bucket timestamptz not null,
    marked_at timestamptz not null default now(),
    primary key (target, hour_bucket)
);
revoke all on {{ pending }} from public;

create or replace function {{ fn }}()
returns trigger
language plpgsql
security definer
set search_path = ''
as $fn$
begin
    -- One row per aggregate and distinct UTC hour the statement touched, not per event.
    -- The upsert takes a row lock, so a run claiming the same mark waits for this commit.
    {%- for transition, operations in [('new_rows', "'INSERT', 'UPDATE'"),
                                        ('old_rows', "'DELETE', 'UPDATE'")] %}
    if tg_op in ({{ operations }}) then
        insert into {{ pending }} (target, hour_bucket)
        select aggregate_target.name, touched.hour_bucket
        from (
            select distinct date_trunc('hour', changed.created_at, 'UTC') as hour_bucket
            from {{ transition }} as changed where changed.created_at is not null
        ) as touched
        cross join unnest(array['{{ targets | join("', '") }}']) as aggregate_target (name)
        on conflict (target, hour_bucket) do update set marked_at = excluded.marked_at;
    end if;
    {%- endfor %}
    return null;
end
$fn$;
revoke all on function {{ fn }}() from public;

do $sync$
begin
    -- created once: CREATE TRIGGER locks the app's table, so it is not repeated every run
    {%- for operation, transitions in [
        ('insert', 'new table as new_rows'),
        ('update', 'old table as old_rows new table as new_rows'),
        ('delete', 'old table as old_rows'),
    ] %}
    if not exists (select from pg_trigger where tgrelid = '{{ raw }}'::regclass
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
