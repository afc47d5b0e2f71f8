{% macro analytics_policy_functions() -%}
    {#- on-run-start. The two lookups the RLS policies call, as SECURITY DEFINER functions in a
        schema the API does not expose (var policy_schema, default analytics_private; named
        after this deployment's schema by analytics_private_name, so deployments with other
        app tables that share the policy schema never overwrite each other's), as
        Supabase advises for
        policies that consult other tables: they read the app tables with the owner's rights, so
        `authenticated` needs no privilege on them and their own RLS cannot hide rows from the
        check. Both are STABLE, take no argument and read auth.uid() once. Idempotent. -#}
    {%- if not var('api_security') -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set app = analytics_app_tables() -%}
    {%- set private = analytics_private_schema() -%}
    {%- set is_admin = private ~ '.' ~ analytics_private_name('analytics_is_admin') -%}
    {%- set visible = private ~ '.' ~ analytics_private_name('analytics_visible_project_ids') -%}
{{ analytics_lock_sql('analytics_events_agg_hooks') }};

do $check$
declare
    missing text;
begin
    select string_agg(t, ', ') into missing
    from unnest(array[
        {{ analytics_sql_literal(app.admin_users) }}, {{ analytics_sql_literal(app.account) }},
        {{ analytics_sql_literal(app.account_collaborator) }}, {{ analytics_sql_literal(app.project) }}
    ]) as t
    where to_regclass(t) is null;
    if missing is not null then
        raise exception 'analytics_policy_functions: the RLS policies consult %, which do not exist. '
            'Set the vars app_schema / *_table to where your app keeps them, or use '
            'supabase_stand_ins: true on a local or CI database.', missing;
    end if;
end
$check$;

create schema if not exists {{ private }};

create or replace function {{ is_admin }}()
returns boolean
language sql
stable
security definer
set search_path = ''
as $fn$
    select exists (
        select 1
        from {{ app.admin_users }} as admin_user
        where admin_user.user_id = (select auth.uid())
    )
$fn$;

create or replace function {{ visible }}()
returns text []
language sql
stable
security definer
set search_path = ''
as $fn$
    select coalesce(array_agg(distinct tenant_project.project_id::text), '{}')
    from {{ app.project }} as tenant_project
    where tenant_project.account_id in (
        select owned.id
        from {{ app.account }} as owned
        where owned.user_id = (select auth.uid())
        union all
        select shared.account_id
        from {{ app.account_collaborator }} as shared
        where shared.user_id = (select auth.uid())
    )
$fn$;

{%- for fn in [is_admin, visible] %}
{{ analytics_grant_exactly('function', fn ~ '()', 'execute', ['authenticated']) }};
{%- endfor %}
-- no API role may name the policy schema, so its functions cannot be called through the API;
-- the policies still run them (schema USAGE is checked when a name is looked up, not when a
-- policy created by the owner runs)
{{ analytics_grant_exactly('schema', private) }}
{%- endmacro %}
