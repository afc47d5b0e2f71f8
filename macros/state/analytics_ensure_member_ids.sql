{% macro analytics_ensure_member_ids() -%}
    {#- on-run-start: the member dictionary, <schema>.analytics_member_ids, one row per member:
        its project and kind's space (analytics_member_space: a bigint of the project id and
        the kind, 'v' visitor or 's' session), its key (analytics_member_key, a 128-bit hash of
        the cleaned id; md5 in a dictionary an older release filled:
        analytics_member_key_version) and its id, numbered from 1 per project and kind in order
        of first appearance by the slices' build (analytics_member_ids_ctes), so the members of
        one hour have neighbouring ids and an hour's or a day's band (analytics_key_aggregates)
        is short. A dictionary an older release keyed by the project's text and the kind is
        rewritten once into spaces, under the schema's refresh lock: the same ids, keys and
        table comment (about a second a million members on this project's machine; a pg_cron
        run that starts before this run has made the refresh function again fails on the
        missing column and changes nothing).
        <schema>.analytics_member_counters holds each project and kind's last id and its space,
        unique: a run that would give two projects one space stops. Every stored
        set holds these ids, so the dictionary is never rebuilt or renumbered: a run that finds
        it missing while the slices hold ids stops (the sets would be read with other ids);
        `dbt run --full-refresh` of every model starts afresh. Internal: RLS on without policies,
        no privilege for PUBLIC or any API role. -#}
    {%- set ids = analytics_relation('analytics_member_ids') -%}
    {%- set counters = analytics_relation('analytics_member_counters') -%}
    {%- set slices = analytics_relation('analytics_events_hourly_slices') -%}
    {%- set next_ids = analytics_relation('analytics_member_ids_next') -%}
{{ analytics_lock_sql('analytics_events_agg_hooks') }};
do $member_ids$
begin
    if to_regclass({{ analytics_sql_literal(ids.render()) }}) is null and exists (
        select
        from pg_attribute
        where attrelid = to_regclass({{ analytics_sql_literal(slices.render()) }})
            and attname = 'visitor_keys' and atttypid = 'integer[]'::regtype
    ) and not {{ 'true' if flags.FULL_REFRESH and not (invocation_args_dict.get('select')
        or invocation_args_dict.get('exclude') or invocation_args_dict.get('selector'))
        else 'false' }} then
        raise exception using
            message = {{ analytics_sql_literal(ids.render() ~ ' is missing, and the stored sets hold its ids') }},
            hint = 'Rebuild every model with dbt run --full-refresh (no --select or --exclude): the member ids start afresh.';
    end if;
end
$member_ids$;
-- an older release's dictionary, keyed by the project's text and the kind: into spaces, once
do $member_ids_spaces$
begin
    if exists (
        select
        from pg_attribute
        where attrelid = to_regclass({{ analytics_sql_literal(ids.render()) }})
            and attname = 'project_id' and not attisdropped
    ) then
        {{ analytics_lock_sql(in_plpgsql=true) }};
        create table {{ next_ids }} (
            member_space bigint not null,
            member_key uuid not null,
            member_id integer not null check (member_id > 0)
        );
        insert into {{ next_ids }} (member_space, member_key, member_id)
        select {{ analytics_member_space('d.project_id', 'd.kind') | indent(8) }}, d.member_key, d.member_id
        from {{ ids }} as d
        order by 1, 2;
        alter table {{ next_ids }}
            add constraint analytics_member_ids_next_pkey
            primary key (member_space, member_key) include (member_id);
        -- the table comment marks the keys' version (analytics_member_key_version)
        execute format('comment on table %s is %L', {{ analytics_sql_literal(next_ids.render()) }},
            obj_description({{ analytics_sql_literal(ids.render()) }}::regclass, 'pg_class'));
        drop table {{ ids }};
        alter table {{ next_ids }} rename to {{ adapter.quote('analytics_member_ids') }};
        alter table {{ ids }}
            rename constraint analytics_member_ids_next_pkey to analytics_member_ids_pkey;
    end if;
end
$member_ids_spaces$;
create table if not exists {{ ids }} (
    member_space bigint not null,
    member_key uuid not null,
    member_id integer not null check (member_id > 0),
    -- the id in the key's index: a run's lookups read the index alone
    primary key (member_space, member_key) include (member_id)
);
create table if not exists {{ counters }} (
    project_id text not null,
    kind "char" not null check (kind in ('v', 's')),
    last_id integer not null check (last_id > 0),
    member_space bigint not null
    constraint analytics_member_counters_member_space_key unique,
    primary key (project_id, kind)
);
-- each project and kind's member space (analytics_member_space), unique: a run that would
-- number the members of a second project of one kind in a space stops (an older release's
-- counters get theirs here)
do $member_counters_spaces$
begin
    if not exists (
        select
        from pg_attribute
        where attrelid = to_regclass({{ analytics_sql_literal(counters.render()) }})
            and attname = 'member_space' and not attisdropped
    ) then
        alter table {{ counters }} add column member_space bigint;
        update {{ counters }}
        set member_space = {{ analytics_member_space('project_id', 'kind') | indent(8) }};
        alter table {{ counters }}
            alter column member_space set not null,
            add constraint analytics_member_counters_member_space_key unique (member_space);
    end if;
end
$member_counters_spaces$;
-- vacuumed by autovacuum after every 1,000 new members, not after a fifth of the table as by
-- default (days of a month-old dictionary): a run's probes read the index alone only on pages
-- a vacuum has marked all-visible, and the members of the last days are the ones seen again
-- (22,443 of an hour's 60,818 probes read the heap too). Set where it differs only: ALTER TABLE
-- would cancel an autovacuum of the dictionary at every run's start
do $member_ids_autovacuum$
begin
    if not coalesce((
        select c.reloptions @> array['autovacuum_vacuum_insert_scale_factor=0',
            'autovacuum_vacuum_insert_threshold=1000']
        from pg_catalog.pg_class as c
        where c.oid = {{ analytics_sql_literal(ids.render()) }}::regclass
    ), false) then
        alter table {{ ids }} set (
            autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 1000
        );
    end if;
end
$member_ids_autovacuum$;
-- a dictionary that holds no key yet takes the current keys (analytics_member_key_version)
do $member_key_version$
begin
    if not exists (select from {{ ids }}) and obj_description({{ analytics_sql_literal(ids.render()) }}::regclass, 'pg_class')
        is distinct from {{ analytics_sql_literal(analytics_member_key_version().marker) }} then
        comment on table {{ ids }} is {{ analytics_sql_literal(analytics_member_key_version().marker) }};
    end if;
end
$member_key_version$;
{{ analytics_internal_table_grants(ids) }};
{{ analytics_internal_table_grants(counters) }}
{%- endmacro %}
