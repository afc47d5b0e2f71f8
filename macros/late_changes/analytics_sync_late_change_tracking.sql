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
