{% macro analytics_api_grants(relation=none, exposed=true) -%}
    {{ return(adapter.dispatch('analytics_api_grants', 'analytics_events_agg')(relation or this, exposed)) }}
{%- endmacro %}

{% macro default__analytics_api_grants(relation, exposed) -%}
    {#- Post-hook: the relation's API privileges, exactly. Everything is revoked from PUBLIC and
        from the Supabase API roles that exist; an exposed relation then gets SELECT for
        `authenticated` (rows filtered by RLS) and `service_role` (server side, BYPASSRLS) and
        USAGE on its schema. `anon` gets nothing; no API role may insert, update, delete or
        truncate. Supabase no longer grants new tables in public to these roles, so it is
        emitted here. -#}
    {%- set rel = relation.render() -%}
do $grants$
declare
    api_role text;
begin
    execute 'revoke all on {{ rel }} from public';
    for api_role in
        select rolname from pg_roles
        where rolname in ('anon', 'authenticated', 'service_role')
    loop
        execute format('revoke all on {{ rel }} from %I', api_role);
        {%- if exposed %}
        if api_role <> 'anon' then
            execute format('grant usage on schema {{ adapter.quote(relation.schema) }} to %I', api_role);
            execute format('grant select on {{ rel }} to %I', api_role);
        end if;
        {%- endif %}
    end loop;
end
$grants$
{%- endmacro %}
