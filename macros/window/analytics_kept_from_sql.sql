{% macro analytics_kept_from_sql(target) -%}
    {#- The first day (rollup time zone) from which the slices table holds every slice: the
        slices of older days were pruned (analytics_prune_slices). '-infinity' before any prune
        and after a rebuild (a new table). -#}
    coalesce((
        select state.kept_from
        from {{ analytics_relation('analytics_refresh_state', target.schema) }} as state
        where
            state.model = {{ analytics_sql_literal(target.identifier) }}
            and state.relation_oid = to_regclass({{ analytics_sql_literal(target.render()) }})
    ), '-infinity')
{%- endmacro %}
