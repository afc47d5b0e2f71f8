{% macro analytics_open_hours_function() -%}
    {#- Pre-hook of the live view: <policy_schema>.analytics_open_hours__<schema>(), the hours
        after the newest stored hour (the open hour, and any hour the job has not reached yet)
        aggregated from the raw events. SECURITY DEFINER because API users cannot read the raw
        table; it therefore applies the tenant rule itself, with the same lookups as the
        policies: admins see every project, others the projects of their accounts; sessions
        that did not SET ROLE to an API role, and service_role, see every project. -#}
    {%- set private = adapter.quote(var('policy_schema', 'analytics_private')) -%}
    {%- set fn = private ~ '.' ~ adapter.quote(('analytics_open_hours__' ~ this.schema)[:63]) -%}
    {%- set events = ref('stg_analytics_events') -%}
    {%- set hourly = ref('analytics_events_hourly_agg') -%}
create or replace function {{ fn }}()
returns table (
    project_id text,
    event_type text,
    event_label text,
    hour_bucket timestamptz,
    event_count bigint,
    unique_visitors bigint,
    unique_sessions bigint
)
language sql
stable
security definer
set search_path = ''
as $fn$
    select
        events.project_id,
        events.event_type,
        events.event_label,
        date_trunc('hour', events.created_at, 'UTC') as hour_bucket,
        count(*) as event_count,
        count(distinct events.visitor_id) as unique_visitors,
        count(distinct events.session_id) as unique_sessions
    from {{ events }} as events
    where
        events.created_at >= (
            select coalesce(
                max(stored_rows.hour_bucket) + interval '1 hour',
                date_trunc('hour', now(), 'UTC')
            )
            from {{ hourly }} as stored_rows
        )
        and (
            -- no SET ROLE (the owner, pg_cron, a superuser's session) or the server-side
            -- service_role: every project, as RLS would allow them
            current_setting('role') in ('none', 'service_role')
            or (select {{ private }}.analytics_is_admin())
            or events.project_id = any((select {{ private }}.analytics_visible_project_ids())::text [])
        )
    group by 1, 2, 3, 4
$fn$;

revoke all on function {{ fn }}() from public;
do $grants$
begin
    if exists (select from pg_roles where rolname = 'anon') then
        revoke all on function {{ fn }}() from anon;
    end if;
    if exists (select from pg_roles where rolname = 'authenticated') then
        grant execute on function {{ fn }}() to authenticated;
    end if;
    if exists (select from pg_roles where rolname = 'service_role') then
        grant execute on function {{ fn }}() to service_role;
    end if;
end
$grants$
{%- endmacro %}
