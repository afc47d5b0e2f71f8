{% macro analytics_app_tables() -%}
    {#- The application's tables the row-level security policies consult, schema-qualified and
        quoted, from the vars app_schema (default public) and *_table (checked identifiers). -#}
    {%- set schema = analytics_identifier_var('app_schema') -%}
    {%- set names = {
        'admin_users': analytics_identifier_var('admin_users_table'),
        'account': analytics_identifier_var('account_table'),
        'account_collaborator': analytics_identifier_var('account_collaborator_table'),
        'project': analytics_identifier_var('project_table'),
    } -%}
    {%- set tables = {'schema': schema} -%}
    {%- for key, name in names.items() -%}
        {%- do tables.update({key: adapter.quote(schema) ~ '.' ~ adapter.quote(name)}) -%}
    {%- endfor -%}
    {{ return(tables) }}
{%- endmacro %}
