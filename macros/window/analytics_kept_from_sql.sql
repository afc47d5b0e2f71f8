{% macro analytics_kept_from_sql(target) -%}
    {#- The first day (rollup time zone) from which a table that keeps only what can still
        change (the slices, the daily type sets) holds every row: older days were pruned
        (analytics_prune_kept_sets). '-infinity' before any prune and after a rebuild (a new
        table). -#}
    coalesce((
        select state.kept_from
        from {{ analytics_relation('analytics_refresh_state', target.schema) }} as state
        where
            state.model = {{ analytics_sql_literal(target.identifier) }}
            and state.relation_oid = to_regclass({{ analytics_sql_literal(target.render()) }})
    ), '-infinity')
{%- endmacro %}
