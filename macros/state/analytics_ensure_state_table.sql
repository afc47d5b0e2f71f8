{% macro analytics_ensure_state_table() -%}
    {#- on-run-start: <schema>.analytics_refresh_state, one row per maintained table: the table
        it describes (its oid: a rebuilt table starts afresh), the hour it is aggregated through
        (the latest as_of of any run), and the rollup time zone its days and weeks were built in;
        and <schema>.analytics_hour_fingerprints, per hour model (spec hour_fingerprints) and
        UTC hour of its recent windows: the event count and fingerprint sum of the slices its
        rows were made from (analytics_replace_buckets_sql writes them, analytics_window_sql
        reads them). Internal: RLS on without policies, no privilege for PUBLIC or any API
        role. -#}
    {%- set state = analytics_relation('analytics_refresh_state') -%}
    {%- set fingerprints = analytics_relation('analytics_hour_fingerprints') -%}
{{ analytics_lock_sql('analytics_events_agg_hooks') }};
create table if not exists {{ state }} (
    model text primary key,
    relation_oid oid not null,
    aggregated_through timestamptz not null,
    rollup_time_zone text,
    updated_at timestamptz not null default now()
);
-- the first complete day of the slices and of the daily type sets (analytics_prune_kept_sets);
-- added after the first release
{{ analytics_guarded_ddl(state, "not exists (select from pg_attribute where attrelid = "
    ~ analytics_sql_literal(state.render()) ~ "::regclass and attname = 'kept_from')",
    ['alter table ' ~ state ~ ' add column if not exists kept_from timestamptz'],
    'add the column kept_from') }};
{{ analytics_internal_table_grants(state) }};
-- added after the first release: a missing or older row only means the hour is made again
create table if not exists {{ fingerprints }} (
    model text not null,
    relation_oid oid not null,
    hour_bucket timestamptz not null,
    event_count bigint not null,
    event_fingerprint numeric,
    primary key (model, hour_bucket)
);
{{ analytics_internal_table_grants(fingerprints) }}
{%- endmacro %}
