{% macro analytics_rls_policies(relation=none) -%}
    {%- set relation = relation or this -%}
    {#- Post-hook for a table exposed to the API: enable row level security and (re)create the
        plan's two SELECT policies, written as Supabase advises: `to authenticated`, and the
        lookups wrapped in `(select ...)` so they run once per statement (InitPlans), not once
        per row. The policies are the tenant rule (analytics_tenant_rule), whose lookups are
        SECURITY DEFINER functions (analytics_policy_functions, created on-run-start) over the
        app tables' indexed columns; anybody the rule does not admit, and `authenticated`
        without a JWT, sees nothing. -#}
    {%- set rel = relation.render() -%}
    {%- set policies = analytics_tenant_rule() -%}

do $rls$
declare
    wanted record;
    stamp text;
begin
    if not (select relrowsecurity from pg_class where oid = {{ analytics_sql_literal(rel) }}::regclass) then
        alter table {{ rel }} enable row level security;
    end if;
    -- (Re)create a policy only when it is missing or its definition changed (the comment
    -- stamps a hash of it): dropping a policy takes an ACCESS EXCLUSIVE lock on the table,
    -- which would queue every dashboard query behind each hourly refresh.
    for wanted in
        select * from (values
            {%- for name, expression in policies %}
            ({{ analytics_sql_literal(name) }}, {{ analytics_sql_literal(expression) }}){{ ',' if not loop.last }}
            {%- endfor %}
        ) as p (name, expression)
    loop
        stamp := 'analytics_events_agg:' || md5(wanted.expression);
        if exists (
            select from pg_policy
            where polrelid = {{ analytics_sql_literal(rel) }}::regclass and polname = wanted.name
                and obj_description(oid, 'pg_policy') = stamp
        ) then
            continue;
        end if;
        execute format('drop policy if exists %I on %s', wanted.name, {{ analytics_sql_literal(rel) }});
        execute format(
            'create policy %I on %s as permissive for select to authenticated using (%s)',
            wanted.name, {{ analytics_sql_literal(rel) }}, wanted.expression);
        execute format('comment on policy %I on %s is %L', wanted.name, {{ analytics_sql_literal(rel) }},
            stamp);
    end loop;
end
$rls$
{%- endmacro %}
