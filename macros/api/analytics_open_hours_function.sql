{% macro analytics_open_hours_function() -%}
    {#- Pre-hook of the live view: <policy_schema>.analytics_open_hours__<schema>_<md5>(), the hours
        after the newest stored hour (the open hour, and any hour the job has not reached yet)
        aggregated from the raw events. SECURITY DEFINER because API users cannot read the raw
        table; it therefore applies the tenant rule itself (analytics_tenant_rule, the
        policies' expressions); sessions that did not SET ROLE to an API role, and
        service_role, see every project. The stored hours count the cardinality of their key
        sets (analytics_member_key); one open hour counts its distinct ids directly, which
        is the same number but for a digest collision (README › Member sets).
        A function whose columns differ (a dimension was added, analytics_dimensions) cannot be
        replaced: it is dropped with the live view that calls it, in the view's transaction,
        and the view is created anew. -#}
    {%- set private = analytics_private_schema() -%}
    {%- set fn = private ~ '.' ~ analytics_private_name('analytics_open_hours', this.schema) -%}
    {%- set events = ref('stg_analytics_events') -%}
    {%- set hourly = ref('analytics_events_hourly_agg') -%}
    {#- its columns, written once: the returns table and the check below read them -#}
    {%- set columns = [('project_id', 'text'), ('event_type', 'text')] -%}
    {%- for name in analytics_dimensions('name') -%}
        {%- do columns.append((name, 'text')) -%}
    {%- endfor -%}
    {%- do columns.extend([('hour_bucket', 'timestamptz'), ('event_count', 'bigint'),
        ('unique_visitors', 'bigint'), ('unique_sessions', 'bigint')]) -%}
    {%- if execute -%}
        {%- set stored = run_query("select coalesce(string_agg(a.name, ',' order by a.i), '')
            from pg_proc as p, unnest(p.proargnames) with ordinality as a (name, i)
            where p.oid = to_regprocedure(" ~ analytics_sql_literal(fn ~ '()') ~ ")")
            .columns[0].values()[0] -%}
        {%- if stored and stored != columns | map(attribute=0) | join(',') -%}
            {%- set live = load_cached_relation(this) -%}
            {%- if live is not none -%}
                {%- do adapter.drop_relation(live) -%}
            {%- endif %}
drop function {{ fn }}();
        {%- endif -%}
    {%- endif %}
create or replace function {{ fn }}()
returns table (
    {%- for name, type in columns %}
    {{ name }} {{ type }}{{ ',' if not loop.last }}
    {%- endfor %}
)
language sql
stable
security definer
set search_path = ''
as $fn$
    select
        events.project_id,
        events.event_type,
        {{ analytics_dimension_columns('events') }},
        {{ analytics_bucket_sql('hour', 'events.created_at') }} as hour_bucket,
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
            {%- for _, expression in analytics_tenant_rule('events.project_id') %}
            or {{ expression }}
            {%- endfor %}
        )
    -- project, type, the dimensions and the hour
    group by {{ range(1, 4 + analytics_dimensions() | length) | join(', ') }}
$fn$;

{{ analytics_grant_exactly('function', fn ~ '()', 'execute', ['authenticated', 'service_role']) }}
{%- endmacro %}
