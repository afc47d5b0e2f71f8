-- pgTAP checks of a deployment's security, for `supabase test db` and `pg_prove`.
-- Reads nothing but the catalog and the deployment's own tables, in one transaction that rolls
-- back: safe against any database. Settings (PGOPTIONS='-c analytics.schema=...' or
-- `pg_prove --set`-free: `scripts/analytics_ops.py verify` sets them for you):
--   analytics.schema         the dbt target schema (default public)
--   analytics.app_schema     where the app tables the policies consult live (default public);
--                            analytics.project_table, .account_table,
--                            .account_collaborator_table, .admin_users_table (default: the
--                            plan's names)
--   analytics.policy_schema  the policy lookups' schema (default analytics_private)
--   analytics.user_id        a user whose visibility is checked (optional)
--   analytics.job_name       the pg_cron job (default aggregate-analytics-events-hourly)
begin;

select set_config('search_path', 'extensions, public, pg_catalog', true);

create temporary table analytics_tap_settings on commit drop as
select
    coalesce(nullif(current_setting('analytics.schema', true), ''), 'public') as target_schema,
    coalesce(nullif(current_setting('analytics.app_schema', true), ''), 'public') as app_schema,
    coalesce(nullif(current_setting('analytics.policy_schema', true), ''),
             'analytics_private') as policy_schema,
    coalesce(nullif(current_setting('analytics.project_table', true), ''),
             'project') as project_table,
    coalesce(nullif(current_setting('analytics.account_table', true), ''),
             'account') as account_table,
    coalesce(nullif(current_setting('analytics.account_collaborator_table', true), ''),
             'account_collaborator') as account_collaborator_table,
    coalesce(nullif(current_setting('analytics.admin_users_table', true), ''),
             'admin_users') as admin_users_table,
    nullif(current_setting('analytics.user_id', true), '')::uuid as user_id,
    coalesce(nullif(current_setting('analytics.job_name', true), ''),
             'aggregate-analytics-events-hourly') as job_name;

-- every relation the project exposes to the API, and its internal ones, as they exist here
create temporary table analytics_tap_objects on commit drop as
select c.oid, c.relname::text as name, c.relkind, wanted.exposed
from pg_class as c
inner join pg_namespace as n on n.oid = c.relnamespace
inner join (values
    ('analytics_events_hourly_agg', true), ('analytics_events_hourly_type_agg', true),
    ('analytics_events_hourly_slices', true), ('analytics_events_project_hourly_sets', true),
    ('analytics_events_project_daily_sets', true), ('analytics_events_daily_sets', true),
    ('analytics_events_daily_type_sets', true), ('analytics_events_daily_agg', true),
    ('analytics_events_daily_type_agg', true), ('analytics_events_weekly_agg', true),
    ('analytics_events_weekly_type_agg', true), ('analytics_events_weekly_visitor_sets', true),
    ('analytics_events_daily_visitor_bands', true),
    ('analytics_events_hourly_live', true),
    ('analytics_engagement_daily', true), ('stg_analytics_events', false),
    ('analytics_refresh_state', false), ('analytics_hour_fingerprints', false),
    ('analytics_pending_hours', false),
    ('analytics_change_log', false), ('analytics_member_ids', false),
    ('analytics_member_counters', false)
) as wanted (name, exposed) on wanted.name = c.relname
where n.nspname = (select target_schema from analytics_tap_settings);

-- the sequences those tables own (the hourly table's identity)
insert into analytics_tap_objects
select seq.oid, seq.relname::text, seq.relkind, false
from pg_depend as dep
inner join pg_class as seq on seq.oid = dep.objid and seq.relkind = 'S'
where dep.classid = 'pg_class'::regclass and dep.deptype in ('a', 'i')
    and dep.refobjid in (select o.oid from analytics_tap_objects as o where o.relkind = 'r');

-- the functions: the dashboard's, the refresh and trigger functions, the policy lookups and
-- the open-hours functions (of every deployment sharing the policy schema)
create temporary table analytics_tap_functions on commit drop as
select p.oid, p.proname::text as name, p.prosecdef, p.proconfig,
    case
        when p.proname in ('analytics_event_series', 'analytics_label_performance',
                           'analytics_kpi_totals') then array['authenticated', 'service_role']
        when p.proname like 'analytics\_open\_hours\_\_%' then array['authenticated', 'service_role']
        when p.proname like 'analytics\_is\_admin\_\_%'
            or p.proname like 'analytics\_visible\_project\_ids\_\_%' then array['authenticated']
        else array[]::text []
    end as may_execute
from pg_proc as p
inner join pg_namespace as n on n.oid = p.pronamespace
cross join analytics_tap_settings as s
where (n.nspname = s.target_schema and p.proname in (
        'analytics_event_series', 'analytics_label_performance', 'analytics_kpi_totals',
        'analytics_refresh_aggregates', 'analytics_mark_pending_hours'))
    or (n.nspname = s.policy_schema and (p.proname like 'analytics\_is\_admin\_\_%'
        or p.proname like 'analytics\_visible\_project\_ids\_\_%'
        or p.proname like 'analytics\_open\_hours\_\_%'));

select no_plan();

select ok(
    exists (select from analytics_tap_objects where name = 'analytics_events_hourly_agg'),
    'the project is deployed in schema ' || (select target_schema from analytics_tap_settings)
);

select is_empty(
    $$ select c.relname from pg_class as c
       inner join pg_namespace as n on n.oid = c.relnamespace
       where n.nspname = (select target_schema from analytics_tap_settings)
           and c.relkind in ('r', 'p', 'v', 'm') and c.relname like 'analytics\_%'
           and c.relname <> 'analytics_events'
           and c.oid not in (select o.oid from analytics_tap_objects as o) $$,
    'every relation of the project is in the list these checks cover'
);

select is_empty(
    $$ select name from analytics_tap_objects as o inner join pg_class as c on c.oid = o.oid
       where o.relkind in ('r', 'p') and not c.relrowsecurity $$,
    'every table of the project has row level security on'
);

select is_empty(
    $$ select name from analytics_tap_objects as o inner join pg_class as c on c.oid = o.oid
       where o.relkind = 'v'
           and not coalesce('security_invoker=true' = any(c.reloptions), false) $$,
    'every view of the project is security_invoker (never bypasses RLS)'
);

select set_eq(
    $$ select o.name, r.rolname::text, a.privilege_type::text
       from analytics_tap_objects as o
       inner join pg_class as c on c.oid = o.oid
       cross join lateral aclexplode(coalesce(c.relacl, acldefault(
           case when o.relkind = 'S' then 's' else 'r' end::"char", c.relowner))) as a
       inner join pg_roles as r on r.oid = a.grantee
       where r.rolname in ('anon', 'authenticated', 'service_role')
       union all
       select o.name, 'public', a.privilege_type::text
       from analytics_tap_objects as o
       inner join pg_class as c on c.oid = o.oid
       cross join lateral aclexplode(coalesce(c.relacl, acldefault(
           case when o.relkind = 'S' then 's' else 'r' end::"char", c.relowner))) as a
       where a.grantee = 0 $$,
    $$ select o.name, grantee, 'SELECT'
       from analytics_tap_objects as o
       cross join unnest(array['authenticated', 'service_role']) as grantee
       where o.exposed $$,
    'tables, views and sequences: SELECT on the exposed relations for authenticated and '
    'service_role, nothing else for any API role or PUBLIC'
);

select set_eq(
    $$ select f.name, coalesce(r.rolname::text, 'public'), a.privilege_type::text
       from analytics_tap_functions as f
       inner join pg_proc as p on p.oid = f.oid
       cross join lateral aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) as a
       left join pg_roles as r on r.oid = a.grantee
       where a.grantee = 0 or r.rolname in ('anon', 'authenticated', 'service_role') $$,
    $$ select f.name, grantee, 'EXECUTE'
       from analytics_tap_functions as f
       cross join unnest(f.may_execute) as grantee $$,
    'functions: EXECUTE on the dashboard functions (and what RLS needs) only; the refresh '
    'and trigger functions for no API role or PUBLIC'
);

select is_empty(
    $$ select name from analytics_tap_functions
       where prosecdef and not exists (
           select from unnest(coalesce(proconfig, '{}')) as setting
           where setting like 'search\_path=%') $$,
    'every SECURITY DEFINER function pins its search_path'
);

select is_empty(
    $$ select n.nspname from pg_namespace as n, analytics_tap_settings as s
       where n.nspname = s.policy_schema
           and (has_schema_privilege('anon', n.oid, 'USAGE')
                or has_schema_privilege('authenticated', n.oid, 'USAGE')
                or has_schema_privilege('service_role', n.oid, 'USAGE')) $$,
    'no API role may name the policy schema: its lookups cannot be called through the API'
);

select is_empty(
    $$ select tablename, policyname from pg_policies, analytics_tap_settings as s
       where schemaname = s.target_schema
           and tablename in (select name from analytics_tap_objects where exposed)
           and not (roles = array['authenticated']::name [] and cmd = 'SELECT') $$,
    'every policy is a SELECT policy for authenticated only'
);

select set_eq(
    $$ select o.name from analytics_tap_objects as o
       where o.exposed and o.relkind = 'r' $$,
    $$ select tablename::text from pg_policies, analytics_tap_settings as s
       where schemaname = s.target_schema
           and policyname = 'Users can view their project aggregated events' $$,
    'every exposed table has the tenant policy'
);

-- what each identity may see, read the way the API reads: SET ROLE and the JWT's claims
create temporary table analytics_tap_allowed (project_id text) on commit drop;
create temporary table analytics_tap_seen (relation text, who text, project_id text)
on commit drop;
grant select, insert on analytics_tap_seen to anon, authenticated;

do $seen$
declare
    s record;
    o record;
begin
    select * into s from analytics_tap_settings;
    if s.user_id is not null then
        execute format(
            'insert into pg_temp.analytics_tap_allowed '
            'select distinct p.project_id::text from %1$I.%2$I as p '
            'where exists (select from %1$I.%3$I as a where a.user_id = %6$L) '
            '   or p.account_id in (select a.id from %1$I.%4$I as a where a.user_id = %6$L '
            '                       union all select c.account_id from %1$I.%5$I as c '
            '                       where c.user_id = %6$L)',
            s.app_schema, s.project_table, s.admin_users_table, s.account_table,
            s.account_collaborator_table, s.user_id);
    end if;
    for o in select * from analytics_tap_objects where exposed loop
        -- every project with rows, as the deployment's owner sees them
        execute format('insert into pg_temp.analytics_tap_seen '
                       'select %L, ''owner'', project_id::text from %I.%I group by 3',
                       o.name, s.target_schema, o.name);
        -- authenticated with the user's JWT, and without one
        foreach o.exposed in array array[true, false] loop
            continue when o.exposed and s.user_id is null;
            perform set_config('request.jwt.claims', case when o.exposed then
                json_build_object('sub', s.user_id, 'role', 'authenticated')::text
                else '' end, true);
            execute 'set local role authenticated';
            execute format('insert into pg_temp.analytics_tap_seen '
                           'select %L, %L, project_id::text from %I.%I group by 3',
                           o.name, case when o.exposed then 'user' else 'no jwt' end,
                           s.target_schema, o.name);
            execute 'reset role';
        end loop;
        -- anon: no privilege at all
        begin
            execute 'set local role anon';
            execute format('select 1 from %I.%I limit 1', s.target_schema, o.name);
            execute 'reset role';
            insert into pg_temp.analytics_tap_seen values (o.name, 'anon', 'READ');
        exception when insufficient_privilege then
            execute 'reset role';
        end;
    end loop;
    perform set_config('request.jwt.claims', '', true);
end
$seen$;

select
    case when (select user_id from analytics_tap_settings) is null
        then skip('no analytics.user_id given: the per-user check of ' || o.name || ' is skipped')
        else set_eq(
            format($$ select project_id from pg_temp.analytics_tap_seen
                      where relation = %L and who = 'user' $$, o.name),
            format($$ select project_id from pg_temp.analytics_tap_seen
                      where relation = %L and who = 'owner'
                      intersect select project_id from pg_temp.analytics_tap_allowed $$, o.name),
            'the user sees exactly the projects the app tables give them in ' || o.name)
    end
from analytics_tap_objects as o
where o.exposed
order by o.name;

select is_empty(
    $$ select relation, project_id from pg_temp.analytics_tap_seen where who = 'no jwt' $$,
    'authenticated without a JWT sees no row anywhere'
);

select is_empty(
    $$ select relation from pg_temp.analytics_tap_seen where who = 'anon' $$,
    'anon may read no relation of the project'
);

-- the pg_cron job, when there is one, calls the refresh function this deployment rendered
select
    case when to_regclass('cron.job') is null
        then skip('pg_cron is not installed here: the job check is skipped')
        else results_eq(
            format($$ select count(*)::int from cron.job
                      where jobname = %L and (command like %L or command like %L) $$,
                   s.job_name,
                   'select ' || quote_ident(s.target_schema) || '.analytics_refresh_aggregates()%',
                   'select "' || replace(s.target_schema, '"', '""')
                       || '".analytics_refresh_aggregates()%'),
            format($$ select count(*)::int from cron.job where jobname = %L $$, s.job_name),
            'the pg_cron job ' || s.job_name || ', if registered, calls '
                || s.target_schema || '.analytics_refresh_aggregates()')
    end
from analytics_tap_settings as s;

select ok(
    to_regprocedure(format('%I.analytics_refresh_aggregates(timestamptz, timestamptz, '
        'timestamptz, integer, integer)', target_schema)) is not null,
    'the refresh function the dbt project renders exists'
) from analytics_tap_settings;

select * from finish();
rollback;
