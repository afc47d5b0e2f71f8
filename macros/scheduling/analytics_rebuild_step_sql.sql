{% macro analytics_rebuild_step_sql(name, target, window_sql, fresh, bounds=none) -%}
    {#- PL/pgSQL statements that rebuild the window of one maintained model in place, as the
        refresh function does: the model file rendered with the function's parameter names
        (analytics_render_model: p_as_of, p_from, p_to, p_lookback_hours, p_backfill_days must
        be in scope) into the temp table `fresh`, analyzed, then the window's buckets of `target`
        replaced by it (analytics_replace_buckets_sql, counts into v_removed, v_changed,
        v_added; `bounds`: plpgsql expressions equal to the window's start and end, for the
        planner's estimates). Used by the refresh function for every model and by
        analytics_restore_kept_sets_hook for the days a covering table has pruned. -#}
    {%- set spec = analytics_model_spec(name) -%}
    if to_regclass('pg_temp.{{ fresh }}') is not null then
        drop table pg_temp.{{ fresh }};
    end if;
    create temporary table {{ fresh }} on commit drop as
    {{ analytics_render_model(name) | indent(4) }};
    {{ analytics_analyze_fresh('pg_temp.' ~ fresh, spec) }};

    -- hash joins for the replace: its merge joins sort the texts of every key by the
    -- collation (strcoll), and a nested loop probes the key index once per fresh row
    perform pg_catalog.set_config('enable_mergejoin', 'off', true);
    perform pg_catalog.set_config('enable_nestloop', 'off', true);
    {{ analytics_replace_buckets_sql(
        target=target,
        fresh='pg_temp.' ~ fresh,
        window_sql=window_sql,
        spec=spec,
        into='v_removed, v_changed, v_added',
        claimed=analytics_claimed_relation(name),
        bounds=bounds) | indent(4) }};
    perform pg_catalog.set_config('enable_mergejoin', v_enable_mergejoin, true);
    perform pg_catalog.set_config('enable_nestloop', v_enable_nestloop, true);
{%- endmacro %}
