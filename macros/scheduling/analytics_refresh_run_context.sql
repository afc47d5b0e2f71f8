{% macro analytics_refresh_run_context(model_name, declared) -%}
    {#- analytics_run_context as the pg_cron refresh function sees it: the model's table by name, always
        incremental, the run's parameters as the function's own parameter names. -#}
    {{ return({
        'name': model_name,
        'spec': analytics_model_spec(model_name, declared),
        'target': analytics_relation(model_name),
        'incremental': true,
        'params': analytics_refresh_params(),
        'claimed': analytics_claimed_relation(model_name),
    }) }}
{%- endmacro %}
