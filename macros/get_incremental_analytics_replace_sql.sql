{% macro get_incremental_analytics_replace_sql(arg_dict) -%}
    {#- Custom incremental strategy `analytics_replace`: the window's buckets become exactly the
        freshly aggregated rows (NULL-safe on event_label, deletions honoured), nothing outside
        the window changes. dbt's delete+insert, merge and microbatch never match a NULL label. -#}
    {%- set spec = analytics_model_spec(model.name) -%}
    {#- the fresh rows' statistics, so the planner sizes the replace's joins right -#}
    analyze {{ arg_dict['temp_relation'] }};
    {{ analytics_replace_buckets_sql(
        target=arg_dict['target_relation'],
        fresh=arg_dict['temp_relation'],
        window_sql=analytics_window_sql(
            arg_dict['target_relation'], analytics_run_params(), true, spec.grain, spec.bucket),
        spec=spec,
        claimed=analytics_claimed_relation(model.name)) }};
    {{ analytics_mark_weekly_sql(model.name) }}
{%- endmacro %}
