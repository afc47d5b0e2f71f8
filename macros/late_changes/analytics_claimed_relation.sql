{% macro analytics_claimed_relation(model_name) -%}
    {#- The temp table holding the pending hours a model's run claimed (pre-hook
        analytics_claim_pending_hours), or none when tracking is off. -#}
    {%- if not analytics_late_changes_enabled()
        or (model is defined and model.resource_type == 'unit_test') -%}
        {#- a unit test renders the model without its pre-hooks: nothing was claimed #}
        {{ return(none) }}
    {%- endif -%}
    {{ return('pg_temp.analytics_claimed_' ~ model_name[:40]) }}
{%- endmacro %}
