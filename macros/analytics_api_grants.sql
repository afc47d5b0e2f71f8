{% macro analytics_api_grants(relation=none, exposed=true) -%}
    {{ return(adapter.dispatch('analytics_api_grants', 'analytics_events_agg')(relation or this, exposed)) }}
{%- endmacro %}

{% macro default__analytics_api_grants(relation, exposed) -%}
    {#- Post-hook: the relation's API privileges, exactly (analytics_grant_exactly): an exposed
        relation gets SELECT for `authenticated` (rows filtered by RLS) and `service_role`
        (server side, BYPASSRLS) and USAGE on its schema; `anon` gets nothing; no API role may
        insert, update, delete or truncate. The sequences the table owns (the identity of the
        hourly table) get no privilege at all: with Supabase's legacy default privileges anon
        could otherwise setval() them and break the next refresh. -#}
    {%- set rel = relation.render() -%}
    {%- set readers = ['authenticated', 'service_role'] if exposed else [] -%}
{{ analytics_grant_exactly('table', rel, 'select' if exposed else none, readers) }};
{%- if exposed %}
{{ analytics_grant_exactly('schema', analytics_quote(relation.schema), 'usage', readers) }};
{%- endif %}
{{ analytics_owned_sequence_grants(relation) }}
{%- endmacro %}


{% macro analytics_owned_sequence_grants(relation) -%}
    {#- No privilege for PUBLIC or any API role on the sequences `relation` owns (identity and
        serial columns), whatever the default privileges gave them. -#}
    {%- set rel = relation.render() -%}
do $sequences$
declare
    seq regclass;
    api_role text;
begin
    for seq in
        select dep.objid::regclass from pg_depend as dep
        where dep.classid = 'pg_class'::regclass
            and dep.refobjid = {{ analytics_sql_literal(rel) }}::regclass
            and dep.deptype in ('a', 'i')
            and (select c.relkind from pg_class as c where c.oid = dep.objid) = 'S'
    loop
        execute format('revoke all on sequence %s from public', seq);
        for api_role in
            select rolname from pg_roles where rolname in ('anon', 'authenticated', 'service_role')
        loop
            execute format('revoke all on sequence %s from %I', seq, api_role);
        end loop;
    end loop;
end
$sequences$
{%- endmacro %}
