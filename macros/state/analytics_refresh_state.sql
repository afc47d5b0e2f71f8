{% macro analytics_ensure_state_table() -%}
    {#- on-run-start: <schema>.analytics_refresh_state, one row per maintained table: the table
        it describes (its oid: a rebuilt table starts afresh), the hour it is aggregated through
        (the latest as_of of any run), and the rollup time zone its days and weeks were built in.
        Internal: RLS on without policies, no privilege for PUBLIC or any API role. -#}
    {%- set state = analytics_relation('analytics_refresh_state') -%}
{{ analytics_lock_sql('analytics_events_agg_hooks') }};
create table if not exists {{ state }} (
    model text primary key,
    relation_oid oid not null,
    aggregated_through timestamptz not null,
    rollup_time_zone text,
    updated_at timestamptz not null default now()
);
-- the slices table's first complete day (analytics_prune_slices); added after the first release
alter table {{ state }} add column if not exists kept_from timestamptz;
{{ analytics_internal_table_grants(state) }}
{%- endmacro %}


{% macro analytics_zone_dependent(model_name) -%}
    {#- true when the model's buckets depend on var rollup_time_zone (days and weeks) -#}
    {{ return(analytics_model_spec(model_name).zone_dependent) }}
{%- endmacro %}


{% macro analytics_check_state(model_name, relation, keyword='do') -%}
    {#- Pre-hook of an incremental run (and the refresh function's first step): refuse when the
        table was built with another rollup_time_zone than the vars now give, since its stored
        days and weeks would be mixed with differently cut new ones (double counts). -#}
    {%- if not analytics_zone_dependent(model_name) -%}
        {{ return('select 1' if keyword == 'do' else 'null;') }}
    {%- endif -%}
    {%- set state = analytics_relation('analytics_refresh_state', relation.schema) -%}
    {%- set zone = analytics_time_zone() -%}
    {%- set body -%}
    if exists (
        select from {{ state }} as state
        where state.model = {{ analytics_sql_literal(model_name) }}
            and state.relation_oid = to_regclass({{ analytics_sql_literal(relation.render()) }})
            and state.rollup_time_zone is distinct from {{ analytics_sql_literal(zone) }}
    ) then
        raise exception using
            message = format('%s was built with rollup_time_zone %s; the vars now say %s, and '
                'days cut in two zones would count events twice',
                {{ analytics_sql_literal(model_name) }},
                (select state.rollup_time_zone from {{ state }} as state
                 where state.model = {{ analytics_sql_literal(model_name) }}),
                {{ analytics_sql_literal(zone) }}),
            hint = 'Rebuild the slices and everything made from them in the new zone: dbt run '
                '--full-refresh --select analytics_events_hourly_sets+ --vars ''{rollup_time_zone: '
                || {{ analytics_sql_literal(zone) }} || '}'' (or set the old zone back)';
    end if;
    {%- endset -%}
    {%- if keyword == 'do' -%}
do $check_state$
begin
    {{ body }}
end
$check_state$
    {%- else -%}
    {{ body }}
    {%- endif -%}
{%- endmacro %}


{% macro analytics_record_state_sql(model_name, relation, as_of) -%}
    {#- After a model's rows are written (its post-hook; the refresh function after each model):
        the table is aggregated through as_of's hour (never moved back by an older as_of) in
        the current rollup zone. A new table (first build, --full-refresh) starts afresh. -#}
    {%- set state = analytics_relation('analytics_refresh_state', relation.schema) -%}
    {%- set zone = analytics_time_zone() if analytics_zone_dependent(model_name) else none -%}
insert into {{ state }} as state (model, relation_oid, aggregated_through, rollup_time_zone)
values (
    {{ analytics_sql_literal(model_name) }},
    to_regclass({{ analytics_sql_literal(relation.render()) }}),
    date_trunc('hour', {{ as_of }}, 'UTC'),
    {{ analytics_sql_literal(zone) if zone else 'null' }}
)
on conflict (model) do update set
    aggregated_through = case
        when state.relation_oid = excluded.relation_oid
            then greatest(state.aggregated_through, excluded.aggregated_through)
        else excluded.aggregated_through
    end,
    kept_from = case when state.relation_oid = excluded.relation_oid then state.kept_from end,
    relation_oid = excluded.relation_oid,
    rollup_time_zone = excluded.rollup_time_zone,
    updated_at = now()
{%- endmacro %}


{% macro analytics_record_state() -%}
    {#- Post-hook of every incremental model: analytics_record_state_sql for this run. -#}
    {%- if config.get('materialized') != 'incremental' -%}
        {{ return('select 1') }}
    {%- endif -%}
    {{ return(analytics_record_state_sql(this.name, this, analytics_as_of())) }}
{%- endmacro %}


{% macro analytics_check_state_hook() -%}
    {#- Pre-hook of every incremental model: analytics_check_state on incremental runs. -#}
    {%- if config.get('materialized') != 'incremental' or not is_incremental() -%}
        {{ return('select 1') }}
    {%- endif -%}
    {{ return(analytics_check_state(this.name, this)) }}
{%- endmacro %}
