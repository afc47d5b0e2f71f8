{% macro analytics_grant_exactly(kind, object_sql, privilege=none, grantees=[]) -%}
    {#- The one place privileges are written: revoke everything on an object from PUBLIC and from
        each Supabase API role that exists (anon, authenticated, service_role), then grant
        `privilege` to `grantees` only. Whatever the database's default privileges gave (older
        Supabase projects: ALL on every new table, sequence and function in public), the object
        ends with exactly this. kind: 'table' (also views), 'sequence', 'function' (object_sql
        then holds the argument types) or 'schema': a schema may be shared with the app
        (public), so a privilege is only granted there, and no privilege means every API role's
        USAGE and CREATE are revoked (the policy schema). Idempotent; a DO block. -#}
    {%- if kind not in ('table', 'sequence', 'function', 'schema') -%}
        {{ exceptions.raise_compiler_error("analytics_grant_exactly: unknown kind '" ~ kind ~ "'") }}
    {%- endif -%}
    {%- for grantee in grantees if grantee not in ('anon', 'authenticated', 'service_role') -%}
        {{ exceptions.raise_compiler_error("analytics_grant_exactly: not an API role: " ~ grantee) }}
    {%- endfor -%}
    {%- set on = ('' if kind == 'table' else kind ~ ' ') ~ object_sql -%}
    {#- the object's name inside a format() string: a % in a schema name is doubled -#}
    {%- set on_in_format = on | replace('%', '%%') -%}
do $grants$
declare
    api_role text;
begin
    {%- if kind != 'schema' %}
    execute {{ analytics_sql_literal('revoke all on ' ~ on ~ ' from public') }};
    {%- endif %}
    for api_role in
        select rolname from pg_roles where rolname in ('anon', 'authenticated', 'service_role')
    loop
        {%- if kind != 'schema' or not privilege %}
        execute format({{ analytics_sql_literal('revoke all on ' ~ on_in_format ~ ' from %I') }}, api_role);
        {%- endif %}
        {%- if privilege and grantees %}
        -- grantees were checked against the three API role names above
        if api_role = any(array['{{ grantees | join("', '") }}']::text []) then
            execute format({{ analytics_sql_literal('grant ' ~ privilege ~ ' on ' ~ on_in_format ~ ' to %I') }}, api_role);
        end if;
        {%- endif %}
    end loop;
end
$grants$
{%- endmacro %}
