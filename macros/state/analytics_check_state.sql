{% macro analytics_check_state(model_name, relation, in_plpgsql=false) -%}
    {#- Pre-hook of an incremental run (and the refresh function's first step): refuse when the
        table was built with another rollup_time_zone than the vars now give, since its stored
        days and weeks would be mixed with differently cut new ones (double counts). -#}
    {%- if not analytics_model_spec(model_name).zone_dependent -%}
        {{ return('null;' if in_plpgsql else 'select 1') }}
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
                '--full-refresh --select analytics_events_hourly_slices+ --vars ''{rollup_time_zone: '
                || {{ analytics_sql_literal(zone) }} || '}'' (or set the old zone back)';
    end if;
    {%- endset -%}
    {%- if not in_plpgsql -%}
do $check_state$
begin
    {{ body }}
end
$check_state$
    {%- else -%}
    {{ body }}
    {%- endif -%}
{%- endmacro %}
