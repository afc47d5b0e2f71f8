{% macro analytics_check_vars() -%}
    {#- on-run-start, first: every var that reaches SQL is checked before anything is written,
        so a bad one stops the run (flag skip_nodes_if_on_run_start_fails) with a message that
        names it: the schemas and tables (analytics_identifier_var), the target schema, as_of
        and the re-aggregation range (analytics_run_params), the rollup zone, the integers. -#}
    {%- do analytics_checked_identifier(target.schema, 'the target schema') -%}
    {%- for name, default in [('source_schema', 'public'), ('app_schema', 'public'),
        ('policy_schema', 'analytics_private'), ('admin_users_table', 'admin_users'),
        ('account_table', 'account'), ('account_collaborator_table', 'account_collaborator'),
        ('project_table', 'project')] -%}
        {%- do analytics_identifier_var(name, default) -%}
    {%- endfor -%}
    {%- do analytics_run_params() -%}
    {%- do analytics_time_zone() -%}
    {%- do analytics_work_mem() -%}
    {%- do analytics_int_var('pending_batch_hours', 168, 1) -%}
    {%- do analytics_int_var('freshness_max_lag_hours', 2, 1) -%}
    {%- for name, default in [('engagement_interaction_type', 'interaction'),
        ('engagement_impression_type', 'impression')] -%}
        {%- if var(name, default) is not string -%}
            {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be an event type (a string), got: " ~ var(name, default)) }}
        {%- endif -%}
    {%- endfor -%}
    select 1
{%- endmacro %}
