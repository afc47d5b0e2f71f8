{% macro analytics_grain_constraint() -%}
    {#- Post-hook of the marts (dbt_project.yml): for a maintained model, the named constraint
        <model>_grain_key that enforces its grain, from its declaration (analytics_model_spec:
        unique), e.g. `unique nulls not distinct (hour_bucket, project_id, event_type,
        event_label)`; nothing for a view. -#}
    {%- if 'analytics' not in model.config.meta -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set spec = analytics_model_spec(this.identifier) -%}
    {{ return(analytics_ensure_index(spec.name ~ '_grain_key', spec.grain_constraint, constraint=true)) }}
{%- endmacro %}
