{% macro analytics_check_slices_hook() -%}
    {#- Pre-hook of the models read from the slices: a first build or --full-refresh of one of
        them reads every slice, so it refuses while the slices are pruned (they then hold a few
        days, and the rebuilt table would lose the rest) unless the slices are rebuilt first in
        the same run. -#}
    {%- set spec = analytics_model_spec(this.name) if this.name in analytics_model_spec('all') else {} -%}
    {%- if is_incremental() or spec.get('upstream', {}).get('model') != 'analytics_events_hourly_sets' -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set slices = analytics_relation('analytics_events_hourly_sets', this.schema) -%}
do $check_slices$
begin
    if {{ analytics_kept_from_sql(slices) }} > '-infinity' then
        raise exception using
            message = format('%s would be rebuilt from slices that hold the days since %s only',
                {{ analytics_sql_literal(this.name) }}, {{ analytics_kept_from_sql(slices) }}),
            hint = 'Rebuild the slices in the same run: dbt run --full-refresh --select '
                'analytics_events_hourly_sets+';
    end if;
end
$check_slices$
{%- endmacro %}
