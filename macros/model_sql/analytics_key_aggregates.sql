{% macro analytics_key_aggregates() -%}
    {#- on-run-start. The two aggregates every union of member sets uses, in the policy schema
        (no API role may use it; named for this deployment by analytics_private_name):
        analytics_key_union(uuid[]) is the sorted, de-duplicated union of a group's sets, and
        analytics_key_count(uuid[]) its cardinality. Each concatenates the group's arrays in
        memory (array_cat, no row per key) and sorts once per group, which costs a third of
        unnesting every key into one sort of the whole window. sspace, the planner's guess of
        one group's state (4 kB: a label-day set of 250 keys), lets it hash the groups of an
        hourly run (a day's 8,400 label-days: 34 MB) but sort a first build's 30 days and take
        one group at a time, instead of holding every day's keys in a hash table. Owner only:
        no grant. Idempotent (CREATE OR REPLACE). -#}
    {%- set sorted_keys = analytics_key_function('analytics_sorted_keys') -%}
    {%- set key_count = analytics_key_function('analytics_distinct_keys') -%}
{{ analytics_lock_sql('analytics_events_agg_hooks') }};

create schema if not exists {{ analytics_private_schema() }};

-- the final functions: the state is every key of the group, duplicates included
create or replace function {{ sorted_keys }}(keys uuid [])
returns uuid []
language sql
immutable
strict
parallel safe
set search_path = ''
as $fn$
    select array(
        select distinct member_key
        from pg_catalog.unnest(keys) as member_key
        order by member_key
    )
$fn$;

create or replace function {{ key_count }}(keys uuid [])
returns bigint
language sql
immutable
strict
parallel safe
set search_path = ''
as $fn$
    select count(distinct member_key) from pg_catalog.unnest(keys) as member_key
$fn$;

{%- for name, final in [('analytics_key_union', sorted_keys), ('analytics_key_count', key_count)] %}

create or replace aggregate {{ analytics_key_function(name) }}(uuid []) (
    sfunc = pg_catalog.array_cat,
    stype = uuid [],
    initcond = '{}',
    finalfunc = {{ final }},
    sspace = 4096
);
{%- endfor %}

{%- for name in ['analytics_sorted_keys', 'analytics_distinct_keys', 'analytics_key_union',
    'analytics_key_count'] %}
{{ analytics_grant_exactly('function', analytics_key_function(name) ~ '(uuid [])') }};
{%- endfor %}
{{ analytics_grant_exactly('schema', analytics_private_schema()) }}
{%- endmacro %}
