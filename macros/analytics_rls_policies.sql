{% macro analytics_rls_policies(relation=none) -%}
    {{ return(adapter.dispatch('analytics_rls_policies', 'analytics_events_agg')(relation or this)) }}
{%- endmacro %}

{% macro default__analytics_rls_policies(relation) -%}
    {#- Post-hook for a table exposed to the API: enable row level security and (re)create the
        plan's two SELECT policies, written as Supabase advises: `to authenticated`, and the
        lookups wrapped in `(select ...)` so they run once per statement (InitPlans), not once
        per row. The lookups are SECURITY DEFINER functions (analytics_policy_functions) over
        the app tables' indexed columns. Admins (admin_users) see every row; the owner of an
        account and its collaborators see the rows of the account's projects; anybody else,
        and `authenticated` without a JWT, sees nothing. -#}
    {%- set app = analytics_app_tables() -%}
    {%- set private = adapter.quote(var('policy_schema', 'analytics_private')) -%}
    {%- set rel = relation.render() -%}
do $rls$
declare
    missing text;
begin
    select string_agg(t, ', ') into missing
    from unnest(array[
        '{{ app.admin_users }}', '{{ app.account }}',
        '{{ app.account_collaborator }}', '{{ app.project }}'
    ]) as t
    where to_regclass(t) is null;
    if missing is not null then
        raise exception 'analytics_rls_policies: the policies of % consult %, which do not exist. '
            'Set the vars app_schema / *_table to where your app keeps them, or use '
            'supabase_stand_ins: true on a local or CI database.', '{{ rel }}', missing;
    end if;
end
$rls$;

{{ analytics_policy_functions() }};

alter table {{ rel }} enable row level security;

drop policy if exists "Admin users can view all aggregated events" on {{ rel }};
create policy "Admin users can view all aggregated events"
on {{ rel }}
as permissive
for select
to authenticated
using ((select {{ private }}.analytics_is_admin()));

drop policy if exists "Users can view their project aggregated events" on {{ rel }};
create policy "Users can view their project aggregated events"
on {{ rel }}
as permissive
for select
to authenticated
using (project_id = any((select {{ private }}.analytics_visible_project_ids())::text []))
{%- endmacro %}
