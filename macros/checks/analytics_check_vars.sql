{% macro analytics_check_vars() -%}
    {#- on-run-start, first: every var that reaches SQL is checked before anything is written,
        so a bad one stops the run (flag skip_nodes_if_on_run_start_fails) with a message that
        names it: the schemas and tables (analytics_identifier_var), the target schema, as_of
        and the re-aggregation range (analytics_run_params), the rollup zone, the integers. -#}
    {%- do analytics_checked_identifier(target.schema, 'the target schema') -%}
    {%- for name in ['source_schema', 'app_schema', 'policy_schema', 'admin_users_table',
        'account_table', 'account_collaborator_table', 'project_table'] -%}
        {%- do analytics_identifier_var(name) -%}
    {%- endfor -%}
    {%- do analytics_run_params() -%}
    {%- do analytics_time_zone() -%}
    {%- do analytics_work_mem() -%}
    {%- do analytics_int_var('pending_batch_hours', 1) -%}
    {%- do analytics_int_var('freshness_max_lag_hours', 1) -%}
    {%- for name in ['engagement_interaction_type', 'engagement_impression_type'] -%}
        {%- if var(name) is not string -%}
            {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be an event type (a string), got: " ~ var(name)) }}
        {%- endif -%}
    {%- endfor -%}
    select 1
{%- endmacro %}
