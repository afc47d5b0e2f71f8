{% macro analytics_record_state_sql(model_name, relation, as_of) -%}
    {#- After a model's rows are written (its post-hook; the refresh function after each model):
        the table is aggregated through as_of's hour (never moved back by an older as_of) in
        the current rollup zone. A new table (first build, --full-refresh) starts afresh. -#}
    {%- set state = analytics_relation('analytics_refresh_state', relation.schema) -%}
    {%- set zone = analytics_time_zone() if analytics_model_spec(model_name).zone_dependent else none -%}
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
