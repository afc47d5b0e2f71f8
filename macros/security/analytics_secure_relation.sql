{% macro analytics_secure_relation(exposed=true) -%}
    {#- One post-hook line for every relation the project creates (see dbt_project.yml):
        views get security_invoker; exposed tables get RLS and the tenant policies; every
        relation gets exact API grants (none at all when exposed=false).
        var api_security: false turns all of it off, for a plain PostgreSQL without the app's
        tables and roles. -#}
    {%- if not var('api_security') -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set statements = [] -%}
    {%- if config.get('materialized') == 'view' -%}
        {#- a plain view runs as its owner, who bypasses RLS: security_invoker = true makes it
            read the tables as the caller -#}
        {%- do statements.append('alter view ' ~ this.render() ~ ' set (security_invoker = true)') -%}
    {%- elif exposed -%}
        {%- do statements.append(analytics_rls_policies(this)) -%}
    {%- endif -%}
    {%- do statements.append(analytics_api_grants(this, exposed)) -%}
    {{ return(statements | join(';\n')) }}
{%- endmacro %}
