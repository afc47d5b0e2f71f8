{% macro analytics_supabase_stand_ins() -%}
    {#- on-run-start: create what a Supabase database already has, only where it is missing, so
        the security post-hooks and their tests run on a plain PostgreSQL (local and CI):
        the API roles anon, authenticated, service_role (BYPASSRLS); the schema auth with
        auth.uid(), auth.role() and auth.jwt() reading request.jwt.claims as Supabase's do; and
        the app tables the policies consult, with the indexes their lookups need.
        On only when var supabase_stand_ins is true, or, unset, when the environment variable
        ANALYTICS_SUPABASE_STAND_INS is (analytics_stand_ins_enabled: only the throwaway local
        cluster sets it). Never turn it on against Supabase: the real objects are there already. -#}
    {%- if not analytics_stand_ins_enabled() -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set app = analytics_app_tables() -%}
-- one hook at a time across concurrent dbt invocations (GRANT / CREATE race otherwise)
{{ analytics_lock_sql('analytics_events_agg_hooks') }};
do $stand_ins$
begin
    if not exists (select from pg_roles where rolname = 'anon') then
        create role anon nologin noinherit;
    end if;
    if not exists (select from pg_roles where rolname = 'authenticated') then
        create role authenticated nologin noinherit;
    end if;
    if not exists (select from pg_roles where rolname = 'service_role') then
        create role service_role nologin noinherit bypassrls;
    end if;
end
$stand_ins$;

do $stand_ins$
begin
    -- Supabase has its own auth schema (owned by another role): touched only when missing
    if not exists (select from pg_namespace where nspname = 'auth') then
        create schema auth;
        grant usage on schema auth to anon, authenticated, service_role;
    end if;
end
$stand_ins$;

do $stand_ins$
begin
    if to_regprocedure('auth.uid()') is null then
        create function auth.uid() returns uuid
        language sql stable
        as $fn$
            select coalesce(
                nullif(current_setting('request.jwt.claim.sub', true), ''),
                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
            )::uuid
        $fn$;
    end if;
    if to_regprocedure('auth.role()') is null then
        create function auth.role() returns text
        language sql stable
        as $fn$
            select coalesce(
                nullif(current_setting('request.jwt.claim.role', true), ''),
                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
            )::text
        $fn$;
    end if;
    if to_regprocedure('auth.jwt()') is null then
        create function auth.jwt() returns jsonb
        language sql stable
        as $fn$
            select coalesce(
                nullif(current_setting('request.jwt.claim', true), ''),
                nullif(current_setting('request.jwt.claims', true), '')
            )::jsonb
        $fn$;
    end if;
end
$stand_ins$;

create schema if not exists {{ adapter.quote(app.schema) }};

create table if not exists {{ app.admin_users }} (
    user_id uuid primary key
);

create table if not exists {{ app.account }} (
    id uuid primary key,
    user_id uuid not null,
    name text
);
create index if not exists account_user_id_idx on {{ app.account }} (user_id);

create table if not exists {{ app.account_collaborator }} (
    account_id uuid not null,
    user_id uuid not null,
    primary key (account_id, user_id)
);
create index if not exists account_collaborator_user_id_idx
on {{ app.account_collaborator }} (user_id);

create table if not exists {{ app.project }} (
    project_id text primary key,
    account_id uuid not null,
    name text
);
create index if not exists project_account_id_idx on {{ app.project }} (account_id);
{%- endmacro %}
