{% macro analytics_app_tables() -%}
    {#- The application's tables the row-level security policies consult, schema-qualified,
        from the vars app_schema (default public) and *_table (the plan's names by default). -#}
    {%- set schema = var('app_schema', 'public') -%}
    {%- set names = {
        'admin_users': var('admin_users_table', 'admin_users'),
        'account': var('account_table', 'account'),
        'account_collaborator': var('account_collaborator_table', 'account_collaborator'),
        'project': var('project_table', 'project'),
    } -%}
    {%- set tables = {'schema': schema} -%}
    {%- for key, name in names.items() -%}
        {%- do tables.update({key: adapter.quote(schema) ~ '.' ~ adapter.quote(name)}) -%}
        {%- do tables.update({key ~ '_name': name}) -%}
    {%- endfor -%}
    {{ return(tables) }}
{%- endmacro %}
