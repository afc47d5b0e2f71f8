{% macro analytics_tenant_rule(project_column='project_id') -%}
    {#- Who may see a row, written once: the two permissive SELECT policies of every exposed
        table (analytics_rls_policies) and the open-hours function's own filter
        (analytics_open_hours_function) are these expressions. Admins (admin_users) see every
        row; the owner of an account and its collaborators see the rows of the account's
        projects. Returns [(policy name, SQL expression over `project_column`)]; the lookups are
        wrapped in `(select ...)` so they run once per statement. -#}
    {%- set private = analytics_private_schema() -%}
    {{ return([
        ('Admin users can view all aggregated events',
         '(select ' ~ private ~ '.' ~ analytics_private_name('analytics_is_admin') ~ '())'),
        ('Users can view their project aggregated events',
         project_column ~ ' = any((select ' ~ private ~ '.'
         ~ analytics_private_name('analytics_visible_project_ids') ~ '())::text [])'),
    ]) }}
{%- endmacro %}
