{% macro analytics_key_aggregates() -%}
    {#- on-run-start. The functions every union of member sets uses, in the policy schema (no API
        role may use it; named for this deployment by analytics_private_name). A member is an
        integer id from the member dictionary (analytics_ensure_member_ids); a set is stored in
        one of two forms:
        - sorted ids (integer[]): the slices, the label-day and daily type sets.
          analytics_key_union(integer[])
          is the sorted, de-duplicated union of a group's sets, analytics_key_count(integer[])
          its cardinality. Each merges the group's sets into its state one by one, in C:
          intarray's _int_union (analytics_intarray_schema) sorts each input (a single
          linear pass over a sorted set), merges two sorted arrays and drops duplicates, so a
          stored set is merged, never re-sorted: a week's seven label-day sets counted in half
          the time of concatenating them and sorting once (the earlier array_cat, then
          sort()), a day's label sets per type in two thirds. Any input (unsorted, with
          duplicates) still gives the sorted, de-duplicated union: _int_union sorts both of
          its arguments and de-duplicates what it returns, so the state is the union after
          every step. The union returns it as it is, the count is intarray's icount of it (an
          integer: a model casts it to its bigint column); no final function in SQL, whose
          call per group cost more than the merges of a day's label sets (an earlier release's
          uniq(sort()) finals, dropped here). sspace, the planner's guess of one group's
          state (4 kB: a label-day set of 1,000 ids), lets it hash the groups of an hourly run
          but sort a first build's 30 days and take one group at a time.
        - a band (bit varying): the project sets the KPI reads, the daily and weekly visitor
          bands label performance reads. 32 bits of offset (the lowest
          id rounded down to a multiple of 8), then one bit per id from the offset to the
          highest id, to a whole byte; the empty set is the offset 0 alone. Its count is
          bit_count of the bits after the offset, its union an OR of the
          bands padded to a common offset and end, in core C functions (bit_or), without a
          sort. analytics_band_union(integer[]) makes a group's band from sorted-id sets,
          analytics_band_union(bit varying) from bands, and analytics_key_count(bit varying)
          counts the union of a group's bands.
        analytics_set_ids(set) lists a set's ids, sorted, in either form (for tests and for an
        operator's look into a set). Owner only: no grant. Idempotent (CREATE OR REPLACE);
        drops the uuid[] versions of an older release. -#}
    {%- set sorted_ids = analytics_key_function('analytics_sorted_keys') -%}
    {%- set id_count = analytics_key_function('analytics_distinct_keys') -%}
    {%- set ids_band = analytics_key_function('analytics_ids_band') -%}
    {%- set bands_or = analytics_key_function('analytics_bands_or') -%}
    {%- set bands_count = analytics_key_function('analytics_bands_count') -%}
    {%- set set_ids = analytics_key_function('analytics_set_ids') -%}
    {%- set intarray = analytics_intarray_schema() -%}
{{ analytics_lock_sql('analytics_events_agg_hooks') }};

create schema if not exists {{ analytics_private_schema() }};

-- an older release's sets of md5 uuids
drop aggregate if exists {{ analytics_key_function('analytics_key_union') }}(uuid []);
drop aggregate if exists {{ analytics_key_function('analytics_key_count') }}(uuid []);
drop function if exists {{ sorted_ids }}(uuid []);
drop function if exists {{ id_count }}(uuid []);

-- an earlier release's count of sorted ids returned a bigint through a final function in
-- SQL: a count that returns intarray's integer replaces it (CREATE OR REPLACE cannot change
-- what an aggregate returns)
do $drop_old_count$
begin
    if (
        select p.prorettype = 'bigint'::regtype
        from pg_catalog.pg_proc as p
        where p.oid = to_regprocedure(
            {{ analytics_sql_literal(analytics_key_function('analytics_key_count') ~ '(integer [])') }}
        )
    ) then
        drop aggregate {{ analytics_key_function('analytics_key_count') }}(integer []);
    end if;
end
$drop_old_count$;

-- ids (any order, duplicates allowed) as a band: sorted and de-duplicated in C (intarray's
-- sort and uniq), then each id's bit as a '1' after as many '0's as the ids it skips, read as
-- a bit string once. The sorted ids are a subquery kept apart (offset 0): inlined, every
-- subscript would sort them again. A third faster than grouping the ids by byte and writing
-- each byte in hex (a day's label sets: 440 against 660 ms; an hour's project sets: 32
-- against 52 ms), most of what is left being the function's call per set
create or replace function {{ ids_band }}(ids integer [])
returns bit varying
language sql
immutable
strict
parallel safe
set search_path = ''
as $fn$
    select case
        when pg_catalog.cardinality(sorted.ids) = 0 then 0::bit(32)::bit varying
        else ((sorted.ids[1] / 8) * 8)::bit(32) || (
            pg_catalog.array_to_string(array(
                select pg_catalog.lpad(
                    '1', sorted.ids[i] - coalesce(sorted.ids[i - 1], (sorted.ids[1] / 8) * 8 - 1), '0'
                )
                from pg_catalog.generate_subscripts(sorted.ids, 1) as i
                order by i
            ), '')
            -- to a whole byte (in bigint: the span of ids 1 and 2^31 - 1 is 2^31)
            || pg_catalog.repeat('0', ((8 - (
                sorted.ids[pg_catalog.cardinality(sorted.ids)]::bigint - (sorted.ids[1] / 8) * 8 + 1
            ) % 8) % 8)::integer)
        )::bit varying
    end
    from (select {{ intarray }}.uniq({{ intarray }}.sort(ids)) as ids offset 0) as sorted
$fn$;

-- the union of bands (analytics_bands_or_sql)
create or replace function {{ bands_or }}(bands bit varying [])
returns bit varying
language sql
immutable
strict
parallel safe
set search_path = ''
as $fn$
    select coalesce((
        select band_union.lo::bit(32) || band_union.bits
        from (
            {{ analytics_bands_or_sql('select band from pg_catalog.unnest(bands) as band') | indent(12) }}
        ) as band_union
    ), 0::bit(32)::bit varying)
$fn$;

create or replace function {{ bands_count }}(bands bit varying [])
returns bigint
language sql
immutable
strict
parallel safe
set search_path = ''
as $fn$
    select coalesce((
        select pg_catalog.bit_count(band_union.bits)
        from (
            {{ analytics_bands_or_sql('select band from pg_catalog.unnest(bands) as band') | indent(12) }}
        ) as band_union
    ), 0)
$fn$;

create or replace function {{ set_ids }}(ids integer [])
returns integer []
language sql
immutable
strict
parallel safe
set search_path = ''
as $fn$ select ids $fn$;

create or replace function {{ set_ids }}(band bit varying)
returns integer []
language sql
immutable
strict
parallel safe
set search_path = ''
as $fn$
    select array(
        -- (the offset first: offset + position overflows near 2^31)
        select substring(band from 1 for 32)::bit(32)::integer + (position - 33)
        from pg_catalog.generate_series(33, pg_catalog.length(band)) as position
        where substring(band from position for 1) = B'1'
        order by position
    )
$fn$;

{%- for name, final, step in [('analytics_key_union', none, intarray ~ '._int_union'),
    ('analytics_key_count', intarray ~ '.icount', intarray ~ '._int_union'),
    ('analytics_band_union', ids_band, 'pg_catalog.array_cat')] %}

create or replace aggregate {{ analytics_key_function(name) }}(integer []) (
    sfunc = {{ step }},
    stype = integer [],
    initcond = '{}',
    {%- if final %}
    finalfunc = {{ final }},
    {%- endif %}
    sspace = 4096
);
{%- endfor %}

-- the final functions an earlier release's sorted-id aggregates used
drop function if exists {{ sorted_ids }}(integer []);
drop function if exists {{ id_count }}(integer []);

{%- for name, final in [('analytics_band_union', bands_or), ('analytics_key_count', bands_count)] %}

create or replace aggregate {{ analytics_key_function(name) }}(bit varying) (
    sfunc = pg_catalog.array_append,
    stype = bit varying [],
    initcond = '{}',
    finalfunc = {{ final }}
);
{%- endfor %}

{%- for name, args in [('analytics_ids_band', 'integer []'), ('analytics_bands_or', 'bit varying []'),
    ('analytics_bands_count', 'bit varying []'), ('analytics_key_count', 'bit varying'),
    ('analytics_set_ids', 'integer []'), ('analytics_set_ids', 'bit varying'),
    ('analytics_key_union', 'integer []'), ('analytics_key_count', 'integer []'),
    ('analytics_band_union', 'integer []'), ('analytics_band_union', 'bit varying')] %}
{{ analytics_grant_exactly('function', analytics_key_function(name) ~ '(' ~ args ~ ')') }};
{%- endfor %}
{{ analytics_grant_exactly('schema', analytics_private_schema()) }}
{%- endmacro %}
