{% macro analytics_create_refresh_function() -%}
    {#- Post-hook of analytics_events_hourly_agg: (re)creates <schema>.analytics_refresh_aggregates(),
        the function the pg_cron job calls. Its body is rendered from the same macros as the dbt
        model and its incremental strategy (window, aggregation, replace), so the scheduled job
        and `dbt run` cannot drift apart: every dbt run re-creates it from the current project.
        Parameter defaults are the vars of the run that created it. -#}
    {%- set fn = adapter.quote(this.schema) ~ '.analytics_refresh_aggregates' -%}
    {%- set defaults = analytics_run_params() -%}
    {%- set params = {
        'as_of': 'p_as_of',
        'lookback_hours': 'p_lookback_hours',
        'backfill_hours': 'p_backfill_days * 24',
        'range_from': 'p_from',
        'range_to': 'p_to',
    } -%}
    {%- set events = ref('stg_analytics_events') -%}
    {%- set fresh = 'pg_temp.analytics_fresh_hourly' -%}
    {%- set grain = analytics_model_grain('analytics_events_hourly_agg') -%}
create or replace function {{ fn }}(
    p_as_of timestamptz default now(),
    p_from timestamptz default null,
    p_to timestamptz default null,
    p_lookback_hours integer default {{ defaults.lookback_hours }},
    p_backfill_days integer default {{ (defaults.backfill_hours / 24) | int }}
)
returns jsonb
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $analytics_refresh$
declare
    v_window_start timestamptz;
    v_window_end timestamptz;
    v_removed bigint;
    v_changed bigint;
    v_added bigint;
begin
    if p_lookback_hours < 0 or p_backfill_days < 1 then
        raise exception 'analytics_refresh_aggregates: lookback_hours must be >= 0 and backfill_days >= 1';
    end if;
    if (p_from is null) <> (p_to is null) or p_from >= p_to then
        raise exception 'analytics_refresh_aggregates: give both p_from and p_to, with p_from < p_to';
    end if;

    {{ analytics_lock_sql(this.schema, keyword='perform') }};

    select run_window.window_start, run_window.window_end
    into v_window_start, v_window_end
    from ({{ grain.window_sql(this, params, true) | indent(8) }}) as run_window;

    if to_regclass('{{ fresh }}') is not null then
        drop table {{ fresh }};
    end if;
    create temporary table analytics_fresh_hourly on commit drop as
    {{ analytics_hourly_agg_sql(events, this, params, true) | indent(4) }};

    {{ analytics_replace_buckets_sql(
        target=this,
        fresh=fresh,
        window_sql=grain.window_sql(this, params, true),
        bucket=grain.bucket,
        measures=grain.measures,
        into='v_removed, v_changed, v_added') | indent(4) }};

    return jsonb_build_object(
        'as_of', p_as_of,
        'window_start', v_window_start,
        'window_end', v_window_end,
        'hourly', jsonb_build_object('removed', v_removed, 'changed', v_changed, 'added', v_added)
    );
end
$analytics_refresh$;

-- Only the job's owner runs it: never PUBLIC or an API role (Supabase's default privileges
-- grant EXECUTE on new functions in public to anon, authenticated and service_role).
do $grants$
declare
    grantee text;
begin
    for grantee in
        select 'public' union all
        select quote_ident(rolname) from pg_roles
        where rolname in ('anon', 'authenticated', 'service_role')
    loop
        execute format(
            'revoke all on function {{ fn }}(timestamptz, timestamptz, timestamptz, integer, integer) from %s',
            grantee);
    end loop;
end
$grants$
{%- endmacro %}
