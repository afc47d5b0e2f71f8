{% macro analytics_model_sql(model_name, relations, target, params, incremental) -%}
    {#- The SELECT of each maintained model. `relations` holds the upstream relations (events;
        or daily / daily_type and members for the weekly rollups): from ref() in the models (so
        unit tests can replace them), built by name in the refresh function. -#}
    {%- set spec = analytics_model_spec(model_name) -%}
    {%- set claimed = analytics_claimed_relation(model_name) if incremental else none -%}
    {%- set dimensions = [] -%}
    {%- for column in spec.key_columns + spec.nullable_keys
        if column not in ('member_kind', 'member_id') -%}
        {%- do dimensions.append(column) -%}
    {%- endfor -%}
    {%- if model_name.endswith('_agg') and spec.grain != 'week' -%}
        {{ analytics_events_agg_sql(relations.events, target, params, incremental, spec.grain, claimed,
            dimensions, spec.get('surrogate_id', false)) }}
    {%- elif model_name.endswith('_members') -%}
        {{ analytics_members_sql(relations.events, target, params, incremental, spec.grain,
            dimensions, claimed) }}
    {%- else -%}
        {#- the weekly rollups: per label from the daily rollup, per type from the per-type one #}
        {{ analytics_weekly_agg_sql(
            relations.daily_type if model_name == 'analytics_events_weekly_type_agg' else relations.daily,
            relations.members, target, params, incremental, claimed, dimensions) }}
    {%- endif -%}
{%- endmacro %}
