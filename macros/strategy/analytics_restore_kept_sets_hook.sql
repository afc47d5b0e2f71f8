{% macro analytics_restore_kept_sets_hook() -%}
    {#- Pre-hook of a model read from a table that keeps only the buckets that can still change
        (the slices, the daily type sets: analytics_prune_kept_sets). A first build or
        --full-refresh of it reads every bucket since as_of - backfill_days, so when that table
        has pruned some of them, they are rebuilt into it first, in this model's transaction
        and under its lock, exactly as the refresh function rebuilds a re-aggregation range
        (analytics_rebuild_step_sql: the covering table's own model file, over the raw events
        for the slices, over the label-day sets for the daily type sets); its kept_from moves
        back to them, and its next run prunes them again. So the rollout order of the plan
        (the hourly table first, the rollups later), a model left out of a partial run and a
        --full-refresh overlapping the pg_cron function all build whole. -#}
    {%- set spec = analytics_model_spec(this.name) if this.name in analytics_model_spec('all') else {} -%}
    {%- set upstream = spec.get('upstream', {}).get('model') -%}
    {%- if is_incremental() or not upstream or not analytics_model_spec(upstream).get('kept_for') -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set kept = analytics_relation(upstream, this.schema) -%}
    {%- set kept_spec = analytics_model_spec(upstream) -%}
    {%- set run_params = analytics_run_params() -%}
    {%- set params = analytics_refresh_params() -%}
    {%- set window_sql = analytics_window_sql({'spec': kept_spec, 'target': kept, 'params': params,
        'incremental': true}) -%}
    {%- set claimed = analytics_claimed_relation(upstream) -%}
do $restore_kept_sets$
declare
    -- the refresh function's parameters, for the covering model's rendered SQL
    p_as_of timestamptz := {{ run_params.as_of }};
    p_lookback_hours integer := {{ run_params.lookback_hours }};
    p_backfill_days integer := {{ (run_params.backfill_hours / 24) | int }};
    p_from timestamptz;
    p_to timestamptz;
    v_window_start timestamptz;
    v_removed bigint;
    v_changed bigint;
    v_added bigint;
    v_enable_mergejoin text := pg_catalog.current_setting('enable_mergejoin');
    v_enable_nestloop text := pg_catalog.current_setting('enable_nestloop');
begin
    -- [the first bucket this model's build reads, the first bucket the covering table keeps)
    p_from := {{ analytics_full_window_bounds(params, spec.grain, spec.closed_buckets).start }};
    p_to := {{ analytics_kept_from_sql(kept) }};
    if p_to > p_from then
        raise notice '% is rebuilt from %, which kept the buckets since % only: rebuilding [%, %) of it first',
            {{ analytics_sql_literal(this.name) }}, {{ analytics_sql_literal(upstream) }}, p_to, p_from, p_to;
        {%- if claimed %}
        -- no pending hour is claimed here: they stay for the covering model's next run
        if to_regclass({{ analytics_sql_literal(claimed) }}) is not null then
            drop table {{ claimed }};
        end if;
        create temporary table {{ claimed.split('.')[1] }} (hour_bucket timestamptz) on commit drop;
        {%- endif %}
        select run_window.window_start into v_window_start from ({{ window_sql }}) as run_window;
        {{ analytics_rebuild_step_sql(upstream, kept, window_sql, 'analytics_restored_sets') | indent(8) }}
        update {{ analytics_relation('analytics_refresh_state', this.schema) }} as state
        set kept_from = least(state.kept_from, v_window_start)
        where
            state.model = {{ analytics_sql_literal(upstream) }}
            and state.relation_oid = to_regclass({{ analytics_sql_literal(kept.render()) }});
    end if;
end
$restore_kept_sets$
{%- endmacro %}
