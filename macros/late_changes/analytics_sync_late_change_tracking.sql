{% macro analytics_sync_late_change_tracking() -%}
    {#- on-run-start: with track_late_changes on, create analytics_pending_hours, the trigger
        function and the statement-level triggers on the raw table; with it off, drop the
        triggers if they are there (the raw table is then exactly as the app made it).
        Also `dbt run-operation analytics_track_late_changes --vars '{track_late_changes: true}'`. -#}
    {%- set raw = source('app', 'analytics_events') -%}
    {%- set pending = analytics_relation('analytics_pending_hours') -%}
    {%- set log = analytics_relation('analytics_change_log') -%}
    {%- set fn = analytics_quote(target.schema) ~ '.analytics_mark_pending_hours' -%}
    {#- the four statement triggers (a TRUNCATE has no transition tables); DDL on the raw table
        locks it against the application's writes, so it runs only when they are missing (on)
        or present (off), with a short lock_timeout (analytics_guarded_ddl) -#}
    {%- set operations = [
        ('insert', ' referencing new table as new_rows'),
        ('update', ' referencing old table as old_rows new table as new_rows'),
        ('delete', ' referencing old table as old_rows'),
        ('truncate', ''),
    ] -%}
    {%- set names = [] -%}
    {%- set drops = [] -%}
    {%- set creates = [] -%}
    {%- for operation, transitions in operations -%}
        {%- set name = 'analytics_mark_pending_' ~ operation -%}
        {%- do names.append(name) -%}
        {%- do drops.append('drop trigger if exists ' ~ name ~ ' on ' ~ raw) -%}
        {%- do creates.append('create trigger ' ~ name ~ ' after ' ~ operation ~ ' on ' ~ raw
            ~ transitions ~ ' for each statement execute function ' ~ fn ~ '()') -%}
    {%- endfor -%}
    {%- set installed = 'select count(*) from pg_trigger where tgrelid = to_regclass('
        ~ analytics_sql_literal(raw) ~ ") and tgname in ('" ~ names | join("', '") ~ "')" -%}
    {%- if not analytics_late_changes_enabled() -%}
{{ analytics_lock_sql('analytics_events_agg_hooks') }};
{{ analytics_guarded_ddl(raw, "(" ~ installed ~ ") > 0", drops,
    'remove the late-change triggers (track_late_changes is off)') }}
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
declare
    v_table text;
    v_bucket text;
begin
    -- A TRUNCATE empties every hour: mark every hour any aggregate holds a bucket starting in
    -- (a day or week is rebuilt through the hour it starts in), so the next runs empty them too
    -- (pending_batch_hours at a time). The tables are looked up when it happens: a partial
    -- --select may not have built them all.
    if tg_op = 'TRUNCATE' then
        for v_table, v_bucket in
            select aggregate_table.name, aggregate_table.bucket
            from (values
                {%- for name in analytics_model_spec('all') %}
                ({{ analytics_sql_literal(analytics_relation(name).render()) }}, {{ analytics_sql_literal(analytics_model_spec(name).bucket) }}){{ ',' if not loop.last }}
                {%- endfor %}
            ) as aggregate_table (name, bucket)
            where to_regclass(aggregate_table.name) is not null
        loop
            execute format('insert into %s (hour_bucket) select distinct '
                || 'date_trunc(''hour'', %I, ''UTC'') from %s where %I is not null',
                {{ analytics_sql_literal(log.render()) }}, v_bucket, v_table, v_bucket);
        end loop;
    end if;
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

{{ analytics_guarded_ddl(raw, "(" ~ installed ~ ") < " ~ names | length, drops + creates,
    'create the late-change triggers (track_late_changes is on)') }}
    {%- endif %}
{%- endmacro %}
