{% macro analytics_check_kept_sets_hook() -%}
    {#- Pre-hook of the models read from a table that keeps only the buckets that can still
        change (the slices, the daily type sets: analytics_prune_kept_sets): a first build or
        --full-refresh of one of them reads every bucket, so it refuses while that table is
        pruned (the rebuilt table would lose the rest) unless it is rebuilt first in the same
        run. -#}
    {%- set spec = analytics_model_spec(this.name) if this.name in analytics_model_spec('all') else {} -%}
    {%- set upstream = spec.get('upstream', {}).get('model') -%}
    {%- if is_incremental() or not upstream or not analytics_model_spec(upstream).get('covers') -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set kept = analytics_relation(upstream, this.schema) -%}
do $check_kept_sets$
begin
    if {{ analytics_kept_from_sql(kept) }} > '-infinity' then
        raise exception using
            message = format('%s would be rebuilt from %s, which holds the days since %s only',
                {{ analytics_sql_literal(this.name) }}, {{ analytics_sql_literal(upstream) }},
                {{ analytics_kept_from_sql(kept) }}),
            hint = format('Rebuild it in the same run: dbt run --full-refresh --select %s+',
                {{ analytics_sql_literal(upstream) }});
    end if;
end
$check_kept_sets$
{%- endmacro %}
