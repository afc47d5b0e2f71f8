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
