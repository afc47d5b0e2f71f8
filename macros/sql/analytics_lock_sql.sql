{% macro analytics_lock_sql(schema=none, in_plpgsql=false) -%}
    {#- Serializes every refresh of the aggregates in one schema (dbt runs, pg_cron runs,
        re-aggregations): a transaction-scoped advisory lock, released at commit or rollback.
        A second run waits for the first and then sees its committed result. -#}
    {{ 'perform' if in_plpgsql else 'select' }} pg_advisory_xact_lock(
        hashtext('analytics_events_agg'), hashtext({{ analytics_sql_literal(schema or target.schema) }})
    )
{%- endmacro %}
