{% macro analytics_rebuild_step_sql(name, target, window_sql, fresh) -%}
    {#- PL/pgSQL statements that rebuild the window of one maintained model in place, as the
        refresh function does: the model file rendered with the function's parameter names
        (analytics_render_model: p_as_of, p_from, p_to, p_lookback_hours, p_backfill_days must
        be in scope) into the temp table `fresh`, analyzed, then the window's buckets of `target`
        replaced by it (analytics_replace_buckets_sql, counts into v_removed, v_changed,
        v_added). Used by the refresh function for every model and by
        analytics_restore_kept_sets_hook for the days a covering table has pruned. -#}
    {%- set spec = analytics_model_spec(name) -%}
    if to_regclass('pg_temp.{{ fresh }}') is not null then
        drop table pg_temp.{{ fresh }};
    end if;
    create temporary table {{ fresh }} on commit drop as
    {{ analytics_render_model(name) | indent(4) }};
    {{ analytics_analyze_fresh('pg_temp.' ~ fresh, spec) }};

    {{ analytics_replace_buckets_sql(
        target=target,
        fresh='pg_temp.' ~ fresh,
        window_sql=window_sql,
        spec=spec,
        into='v_removed, v_changed, v_added',
        claimed=analytics_claimed_relation(name)) | indent(4) }};
{%- endmacro %}
