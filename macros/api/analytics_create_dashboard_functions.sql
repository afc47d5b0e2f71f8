{% macro analytics_create_dashboard_functions() -%}
    {#- on-run-end of `dbt run` / `dbt build`: the plan's dashboard queries as SQL functions the
        frontend calls over the Supabase API (rpc). SECURITY INVOKER, so the caller's RLS
        applies; STABLE; a fixed empty search_path; EXECUTE for authenticated (and
        service_role) only. Distinct counts are exact: they are unions of the stored member key
        sets, never sums of per-hour or per-label counts.
          analytics_event_series(project, from, to [, granularity])  buckets starting in
              [from, to) by event type: 'hour' up to 7 days, 'day' up to 90, 'week' beyond
          analytics_label_performance(project, from, to [, event_type])  per label, days
              starting in [from, to): events from the label-day sets; visitors, the union of
              the weekly visitor bands of its whole ISO weeks, the daily visitor bands of its
              other days, and the label-day sets of days that have no band yet
          analytics_kpi_totals(project, from, to)  hours starting in [from, to): whole UTC
              days from the project daily sets, the edge hours and the hours of a whole day
              that has no daily row yet (it had not ended at the last refresh) from the
              project hourly sets -#}
    {%- if flags.WHICH not in ('run', 'build') -%}
        {{ return('select 1') }}
    {%- endif -%}
    {#- each function only where every relation it reads exists (a `--select` of part of the
        project builds only some of them) -#}
    {%- set s = analytics_quote(target.schema) -%}
    {%- set hourly = analytics_relation('analytics_events_hourly_agg') -%}
    {%- set project_hourly_sets = analytics_relation('analytics_events_project_hourly_sets') -%}
    {%- set daily_type = analytics_relation('analytics_events_daily_type_agg') -%}
    {%- set hourly_type = analytics_relation('analytics_events_hourly_type_agg') -%}
    {%- set weekly_type = analytics_relation('analytics_events_weekly_type_agg') -%}
    {%- set daily_sets = analytics_relation('analytics_events_daily_sets') -%}
    {%- set weekly_sets = analytics_relation('analytics_events_weekly_visitor_sets') -%}
    {%- set day_bands = analytics_relation('analytics_events_daily_visitor_bands') -%}
    {%- set project_daily_sets = analytics_relation('analytics_events_project_daily_sets') -%}
    {%- set weekly = analytics_relation('analytics_events_weekly_agg') -%}
    {%- set tz = analytics_time_zone() -%}
{{ analytics_lock_sql('analytics_events_agg_hooks') }};
{%- if analytics_relations_exist([hourly_type, daily_type, weekly_type]) %}

create or replace function {{ s }}.analytics_event_series(
    p_project_id text,
    p_from timestamptz,
    p_to timestamptz,
    p_granularity text default null
)
returns table (
    bucket timestamptz,
    event_type text,
    event_count bigint,
    unique_visitors bigint,
    unique_sessions bigint
)
language plpgsql
stable
security invoker
set search_path = ''
as $fn$
declare
    granularity text;
begin
    if p_from is null or p_to is null or not isfinite(p_from) or not isfinite(p_to)
        or p_from >= p_to then
        raise exception 'analytics_event_series: p_from and p_to must be finite timestamps with '
            'p_from < p_to, got [%, %)', p_from, p_to;
    end if;
    granularity := coalesce(p_granularity, case
        when p_to - p_from <= interval '7 days' then 'hour'
        when p_to - p_from <= interval '90 days' then 'day'
        else 'week'
    end);
    if granularity not in ('hour', 'day', 'week') then
        raise exception 'analytics_event_series: granularity must be hour, day or week, not %',
            granularity;
    end if;
    {#- stored per-type rows (exact across labels), whatever the granularity #}
    {%- for grain, table in [('hour', hourly_type), ('day', daily_type), ('week', weekly_type)] %}
    {{ 'if' if loop.first else 'elsif' }} granularity = '{{ grain }}' then
        return query
        select t.{{ grain }}_bucket, t.event_type, t.event_count, t.unique_visitors,
            t.unique_sessions
        from {{ table }} as t
        where t.project_id = p_project_id
            and t.{{ grain }}_bucket >= p_from and t.{{ grain }}_bucket < p_to
        order by 1, 2;
    {%- endfor %}
    end if;
end
$fn$;

{{ analytics_grant_exactly('function',
    s ~ '.analytics_event_series(text, timestamptz, timestamptz, text)',
    'execute', ['authenticated', 'service_role']) }};
{%- endif %}
{%- if analytics_relations_exist([daily_sets, day_bands, weekly_sets]) %}

create or replace function {{ s }}.analytics_label_performance(
    p_project_id text,
    p_from timestamptz,
    p_to timestamptz,
    p_event_type text default 'widget_visible'
)
returns table (event_label text, event_count bigint, unique_visitors bigint)
language sql
stable
security invoker
set search_path = ''
as $fn$
    -- The days (rollup time zone) starting in [p_from, p_to). Events: the sum of the label's
    -- daily sets' counts (the daily table's, made from the same slices). Visitors: the union,
    -- label by label, of the range's whole ISO weeks from the weekly visitor bands, of its other
    -- days from the daily visitor bands (an OR of bands, no sort), and of the days that have no
    -- band yet (today's, or yesterday's before the first run after midnight) from the daily
    -- sets' sorted ids, each counted when the OR does not hold it; so a visitor seen on many
    -- days counts once. The weekly bands hold weeks that had ended at the last refresh: the
    -- days of a whole week without a row are read as days. A week is whole when its Monday
    -- starts at or after p_from and its Sunday is not later than the last day starting before
    -- p_to.
    with label_days as (
        -- the range's label days, read once (the label's events, counts; the days outside
        -- the whole weeks, days) with each day's week computed once: in the anti-join below,
        -- the week of a day was computed again for every stored week it was compared with
        -- (4 ms of 14 for 30 days)
        select
            d.event_label as l,
            d.day_bucket,
            d.event_count,
            {{ analytics_bucket_sql('week', 'd.day_bucket') }} as week_bucket
        from {{ daily_sets }} as d
        where d.project_id = p_project_id and d.event_type = p_event_type
            and d.event_label is not null and d.day_bucket >= p_from and d.day_bucket < p_to
    ),
    counts as (
        select label_days.l, sum(label_days.event_count)::bigint as n
        from label_days
        group by 1
    ),
    bounds as (
        select ((p_to - interval '1 microsecond') at time zone '{{ tz }}')::date as last_day
    ),
    weeks as (
        select w.event_label as l, w.week_bucket, w.visitor_keys as band
        from {{ weekly_sets }} as w
        where w.project_id = p_project_id and w.event_type = p_event_type
            and w.event_label is not null and w.week_bucket >= p_from
            and (w.week_bucket at time zone '{{ tz }}')::date + 6
            <= (select b.last_day from bounds as b)
    ),
    days as (
        -- the range's label days outside the whole weeks read above
        select label_days.l, label_days.day_bucket
        from label_days
        where not exists (
            select from weeks as w
            where w.l = label_days.l and w.week_bucket = label_days.week_bucket
        )
    ),
    bands as (
        select w.l, w.band from weeks as w
        union all
        select days.l, db.visitor_keys
        from days
        inner join {{ day_bands }} as db
            on db.project_id = p_project_id and db.event_type = p_event_type
            and db.event_label = days.l and db.day_bucket = days.day_bucket
    ),
    open_ids as (
        -- the days without a band: their sorted ids
        select days.l, member_id
        from days
        inner join {{ daily_sets }} as d
            on d.project_id = p_project_id and d.event_type = p_event_type
            and d.event_label = days.l and d.day_bucket = days.day_bucket
        cross join unnest(d.visitor_keys) as member_id
        where not exists (
            select from {{ day_bands }} as db
            where db.project_id = p_project_id and db.event_type = p_event_type
                and db.event_label = days.l and db.day_bucket = days.day_bucket
        )
    )
    select
        c.l,
        c.n,
        coalesce(pg_catalog.bit_count(u.bits), 0) + (
            select count(distinct o.member_id)
            from open_ids as o
            where o.l = c.l
                -- the id's bit read in place (get_bit, no substring made per id: the call 10-13 %
                -- faster), only within the band (CASE: get_bit fails outside it)
                and not coalesce(
                    case
                        when o.member_id >= u.lo
                            and o.member_id - u.lo < pg_catalog.length(u.bits)
                            then pg_catalog.get_bit(u.bits, o.member_id - u.lo) = 1
                    end,
                    false
                )
        )
    from counts as c
    left join lateral (
        {{ analytics_bands_or_sql('select bands.band from bands where bands.l = c.l') | indent(8) }}
    ) as u on true
    order by c.n desc, c.l
$fn$;

{{ analytics_grant_exactly('function',
    s ~ '.analytics_label_performance(text, timestamptz, timestamptz, text)',
    'execute', ['authenticated', 'service_role']) }};
{%- endif %}
{%- if analytics_relations_exist([project_daily_sets, project_hourly_sets]) %}

create or replace function {{ s }}.analytics_kpi_totals(
    p_project_id text,
    p_from timestamptz,
    p_to timestamptz
)
returns table (event_count bigint, unique_visitors bigint, unique_sessions bigint)
language sql
stable
security invoker
set search_path = ''
as $fn$
    -- The hours starting in [p_from, p_to): whole UTC days from the project's daily sets, the
    -- hours before the first and after the last whole day from its hourly sets, unioned. The
    -- daily sets hold days that had ended at the last refresh: a whole day without a row
    -- (today, or yesterday before the first run after midnight) is read as its hours (a day
    -- without events has neither).
    -- first_day: the first UTC day starting at or after p_from; end_day: the first UTC day
    -- whose last hour does not start before p_to (so every day in between is whole). UTC days
    -- are 24 hours whatever the session's time zone.
    with bounds as (
        select
            days.first_day,
            greatest(days.first_day, days.end_day) as end_day
        from (
            select
                date_trunc('day', p_from - interval '1 microsecond', 'UTC')
                + interval '24 hours' as first_day,
                date_trunc('day', p_to - interval '23:00:00.000001', 'UTC')
                + interval '24 hours' as end_day
        ) as days
    ),
    days as (
        select d.utc_day_bucket, d.event_count, d.visitor_keys, d.session_keys
        from {{ project_daily_sets }} as d
        where d.project_id = p_project_id
            and d.utc_day_bucket >= (select b.first_day from bounds as b)
            and d.utc_day_bucket < (select b.end_day from bounds as b)
    ),
    hour_spans as (
        -- the spans read as hours: before the first whole day, after the last, and each run of
        -- whole days without a daily row (the gap before each daily row, and after the last:
        -- at most one span more than the rows, whatever the range, infinite included), so the
        -- hours of the days that have one are never read (696 hourly rows read and dropped for
        -- 30 days cost more than the days' own sets); an empty span reads nothing
        select p_from as span_start, least(p_to, b.first_day) as span_end
        from bounds as b
        union all
        select greatest(p_from, b.end_day), p_to
        from bounds as b
        union all
        select
            coalesce(
                lag(days.utc_day_bucket) over (order by days.utc_day_bucket)
                + interval '24 hours',
                b.first_day
            ),
            days.utc_day_bucket
        from days
        cross join bounds as b
        union all
        select
            coalesce(
                (select max(days.utc_day_bucket) from days) + interval '24 hours', b.first_day
            ),
            b.end_day
        from bounds as b
    ),
    sets as (
        select days.event_count, days.visitor_keys, days.session_keys
        from days
        union all
        -- one index range per span: a LATERAL subquery kept as one (OFFSET 0), so the planner,
        -- which cannot tell how many spans there are, never joins every hour of the project
        -- to them instead
        select hours.event_count, hours.visitor_keys, hours.session_keys
        from hour_spans
        cross join lateral (
            select h.event_count, h.visitor_keys, h.session_keys
            from {{ project_hourly_sets }} as h
            where h.project_id = p_project_id
                and h.hour_bucket >= hour_spans.span_start
                and h.hour_bucket < hour_spans.span_end
            offset 0
        ) as hours
    )
    select
        (select coalesce(sum(sets.event_count), 0)::bigint from sets),
        {%- for kind in ['visitor', 'session'] %}
        coalesce((
            select pg_catalog.bit_count(band_union.bits)::bigint
            from (
                {{ analytics_bands_or_sql('select sets.' ~ kind ~ '_keys from sets') | indent(16) }}
            ) as band_union
        ), 0){{ ',' if loop.first }}
        {%- endfor %}
$fn$;

{{ analytics_grant_exactly('function',
    s ~ '.analytics_kpi_totals(text, timestamptz, timestamptz)',
    'execute', ['authenticated', 'service_role']) }};
{%- endif %}
select 1
{%- endmacro %}
