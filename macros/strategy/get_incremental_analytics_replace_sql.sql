{% macro get_incremental_analytics_replace_sql(arg_dict) -%}
    {#- Custom incremental strategy `analytics_replace`: the window's buckets become exactly the
        freshly aggregated rows (NULL-safe on event_label, deletions honoured), nothing outside
        the window changes. dbt's delete+insert, merge and microbatch never match a NULL label.
        A table that keeps only what can still change (spec kept_for: the slices, the daily type
        sets) is then pruned (analytics_prune_kept_sets). -#}
    {%- set spec = analytics_model_spec(model.name) -%}
    {%- set params = analytics_run_params() -%}
    {%- set target = arg_dict['target_relation'] -%}
    {#- the fresh rows' statistics, so the planner sizes the replace's joins right -#}
    {{ analytics_analyze_fresh(arg_dict['temp_relation'], spec) }};
    {{ analytics_replace_buckets_sql(
        target=target,
        fresh=arg_dict['temp_relation'],
        window_sql=analytics_window_sql({'spec': spec, 'target': target, 'params': params,
            'incremental': true}),
        spec=spec,
        claimed=analytics_claimed_relation(model.name)) }};
    {%- if spec.get('kept_for') %}
    {{ analytics_prune_kept_sets(target, params) }};
    {%- endif %}
{%- endmacro %}
