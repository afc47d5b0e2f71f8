{% macro analytics_run_context(model_name, declared) -%}
    {#- What a maintained model's SELECT needs to know of its run, called at the top of the model
        file with the model's name and its declaration (`analytics`, the dict the file gives to
        config.meta): its spec (analytics_model_spec), its relation (`this`), whether the run is
        incremental, the run's parameters as SQL (analytics_run_params, from the vars) and the
        temp table of the pending hours its pre-hook claimed (or none). The pg_cron refresh
        function renders the same model file with analytics_refresh_run_context in its place
        (analytics_render_model), so the model file is the one source of its SQL. -#}
    {%- if model is defined and model.name is defined and model.resource_type == 'model'
        and model.name != model_name -%}
        {{ exceptions.raise_compiler_error("analytics_run_context('" ~ model_name ~ "') is called in model '"
            ~ model.name ~ "': pass the model's own name") }}
    {%- endif -%}
    {%- set incremental = is_incremental() -%}
    {{ return({
        'name': model_name,
        'spec': analytics_model_spec(model_name, declared),
        'target': this,
        'incremental': incremental,
        'params': analytics_run_params(),
        'claimed': analytics_claimed_relation(model_name) if incremental else none,
    }) }}
{%- endmacro %}
