{% macro analytics_private_schema() -%}
    {#- The quoted schema of the policy lookups and the open-hours function (var policy_schema,
        default analytics_private), which several deployments may share. -#}
    {{ return(adapter.quote(analytics_identifier_var('policy_schema'))) }}
{%- endmacro %}
