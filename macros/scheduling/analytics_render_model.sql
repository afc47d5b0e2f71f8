{% macro analytics_render_model(model_name) -%}
    {#- The SELECT of a maintained model as the pg_cron refresh function runs it: the model file
        itself (its raw code from the project's graph), rendered here with analytics_refresh_run_context
        standing in for analytics_run_context and ref() naming the same relation in the target schema
        (analytics_relation: a hook may not ref()). The model's config() renders to nothing. -#}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ model_name) -%}
    {%- if node is none or 'analytics_run_context(' not in node.raw_code -%}
        {{ exceptions.raise_compiler_error("analytics_render_model: model '" ~ model_name
            ~ "' is not in this project or does not call analytics_run_context()") }}
    {%- endif -%}
    {{ return(render('{%- set analytics_run_context = analytics_refresh_run_context -%}{%- set ref = analytics_relation -%}'
        ~ node.raw_code) | trim) }}
{%- endmacro %}
