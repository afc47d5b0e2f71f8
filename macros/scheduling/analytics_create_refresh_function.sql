{% macro analytics_create_refresh_function() -%}
    {#- on-run-end of `dbt run` / `dbt build`: (re)creates <schema>.analytics_refresh_aggregates(),
        the function the pg_cron job calls. Each step is a model file itself, rendered with the
        function's parameters for the vars (analytics_render_model), then the same window and
        replace strategy as the model's incremental run, in refresh order, in one transaction
        under the same advisory lock, so the scheduled job and `dbt run` cannot drift apart.
        Parameter defaults are the vars of the run that created it. -#}
    {%- if flags.WHICH not in ('run', 'build') -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set schema = target.schema -%}
    {%- set fn = analytics_quote(schema) ~ '.analytics_refresh_aggregates' -%}
    {#- exactly the models that exist (a `--select` of part of the project builds only some) -#}
    {%- set models = [] -%}
    {%- for name in analytics_model_spec('all')
        if analytics_relations_exist([analytics_relation(name)]) -%}
        {%- do models.append(name) -%}
    {%- endfor -%}
    {%- set skew = analytics_event_rules().clock_skew -%}
    {%- set defaults = analytics_run_params() -%}
    {%- set params = analytics_refresh_params() -%}
{{ analytics_lock_sql('analytics_events_agg_hooks') }};
{%- for name in models if analytics_model_spec(name).get('settled')
    or analytics_model_spec(name).build == 'event_sets' %}

-- the columns the function reads, on a table an older release built that this run did not
-- select
{{ analytics_settled_columns_ddl(analytics_relation(name), analytics_model_spec(name)) }};
{%- endfor %}

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
set work_mem = '{{ analytics_work_mem() }}'
-- no JIT compilation: see dbt_project.yml's pre-hook
set jit = off
-- restored on return: the lz4 set below does not outlive the call
set default_toast_compression = 'pglz'
as $analytics_refresh$
declare
    v_window_start timestamptz;
    v_window_end timestamptz;
    v_removed bigint;
    v_changed bigint;
    v_added bigint;
    v_result jsonb := '{}';
    v_started timestamptz;
    v_prune_cutoff timestamptz;
    v_prune_oldest timestamptz;
    v_enable_mergejoin text := pg_catalog.current_setting('enable_mergejoin');
    v_enable_nestloop text := pg_catalog.current_setting('enable_nestloop');
begin
    if p_lookback_hours < 0 or p_backfill_days < 1 then
        raise exception 'analytics_refresh_aggregates: lookback_hours must be >= 0 and backfill_days >= 1';
    end if;
    if (p_from is null) <> (p_to is null) or p_from >= p_to
        or not isfinite(p_from) or not isfinite(p_to) then
        raise exception 'analytics_refresh_aggregates: give both p_from and p_to (finite, '
            'p_from < p_to) or neither, got [%, %)', p_from, p_to;
    end if;
    if p_as_of is null or not isfinite(p_as_of) or p_as_of > now() + {{ skew }} then
        raise exception 'analytics_refresh_aggregates: p_as_of must be a finite time no later '
            'than now() plus {{ skew[10:-1] }} of clock skew, got % (now() is %)', p_as_of, now();
    end if;

    {{ analytics_lock_sql(schema, in_plpgsql=true) }};
    -- the temp tables compressed by lz4 where the server has it (a SET clause of lz4 would
    -- not create on a server without it)
    perform v.* from ({{ analytics_temp_compression_sql() | indent(4) }}) as v;
{%- for name in models %}
    {{ analytics_check_state(name, analytics_relation(name), in_plpgsql=true) | indent(4) }}
{%- endfor %}
{% for name in models %}
    {%- set spec = analytics_model_spec(name) %}
    {%- set target_relation = analytics_relation(name) %}
    {%- set fresh = 'analytics_fresh_' ~ loop.index %}
    {%- set window_sql = analytics_window_sql({'spec': spec, 'target': target_relation,
        'params': params, 'incremental': true}) %}

    -- {{ name }}
    v_started := clock_timestamp();
    {%- if analytics_late_changes_enabled() %}
    {{ analytics_claim_pending_hours(name, 'p_as_of') | indent(4) }};
    {%- endif %}
    select run_window.window_start, run_window.window_end
    into v_window_start, v_window_end
    from ({{ window_sql | indent(8) }}) as run_window;

    {{ analytics_rebuild_step_sql(name, target_relation, window_sql, fresh,
        bounds=('v_window_start', 'v_window_end')) }}
    {%- if spec.get('kept_for') %}
    {{ analytics_prune_kept_sets(target_relation, params, in_plpgsql=true) | indent(4) }}
    {%- endif %}
    {{ analytics_record_state_sql(name, target_relation, 'p_as_of') | indent(4) }};

    v_result := v_result || jsonb_build_object('{{ name }}', jsonb_build_object(
        'window_start', v_window_start, 'window_end', v_window_end,
        'removed', v_removed, 'changed', v_changed, 'added', v_added,
        'ms', round(extract(epoch from clock_timestamp() - v_started)::numeric * 1000, 1)));
{% endfor %}
    return jsonb_build_object('as_of', p_as_of) || v_result;
end
$analytics_refresh$;

-- Only the job's owner runs it: never PUBLIC or an API role (Supabase's default privileges
-- grant EXECUTE on new functions in public to anon, authenticated and service_role).
{{ analytics_grant_exactly('function', fn ~ '(timestamptz, timestamptz, timestamptz, integer, integer)') }}
{%- endmacro %}
