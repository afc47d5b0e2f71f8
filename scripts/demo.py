"""`make demo`: load a realistic demo dataset, run `dbt build` on it, print a short summary.

Everything goes into its own schema (default analytics_demo), raw table included, so the demo
never touches an application's real public.analytics_events.
"""

from __future__ import annotations

import argparse
import os
import sys

from analytics_db import connect, create_raw_table, dbt
from psycopg import sql

GENERATE = """
insert into {schema}.analytics_events
    (project_id, visitor_id, session_id, event_type, event_label, event_data, created_at)
select * from (
select
    'proj_' || lpad(p.n::text, 2, '0') as project_id,
    'v' || p.n || '_' || floor(random() * (400 + 4000 / (p.n + 1)))::int as visitor_id,
    's' || p.n || '_' || floor(random() * (900 + 9000 / (p.n + 1)))::int as session_id,
    case
        when r.t < 0.60 then 'impression'
        when r.t < 0.85 then 'widget_visible'
        else 'interaction'
    end as event_type,
    case
        when r.l < 0.08 then null
        when r.l < 0.11 then ''
        when r.l < 0.13 then '   '
        else (array['hero_banner', 'cta_click', 'pricing_table', 'footer_link',
                    'signup_form', 'video_player', 'chat_widget'])[1 + floor(r.l * 70)::int %% 7]
    end as event_label,
    jsonb_build_object('demo', true) as event_data,
    -- a day-night rhythm: the hour of day clusters around 13:00 UTC; today stops at now
    date_trunc('day', %(end)s::timestamptz - make_interval(days => d.day))
        + make_interval(secs => ((r.a + r.b + r.c) / 3.0) * 86400) as created_at
from generate_series(0, %(days)s - 1) as d (day)
cross join generate_series(1, %(per_day)s) as g (i)
cross join lateral (
    select random() as t, random() as l, random() as a, random() as b, random() as c,
        random() + g.i * 0 as q
) as r
-- skewed tenants: project 0 gets about a third of the traffic, project 11 a few per cent
cross join lateral (select floor(12 * power(r.q, 2.5))::int as n) as p
) as generated
where generated.created_at < %(end)s::timestamptz
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--schema", default="analytics_demo",
                        help="schema for the demo's raw table and models (default analytics_demo)")
    parser.add_argument("--days", type=int, default=7, help="days of events (default 7)")
    parser.add_argument("--per-day", type=int, default=20000,
                        help="events per day (default 20000)")
    parser.add_argument("--reload", action="store_true",
                        help="delete the demo events and generate them again")
    args = parser.parse_args()
    ident = sql.Identifier(args.schema)

    with connect() as conn:
        create_raw_table(conn, args.schema)
        existing = conn.execute(
            sql.SQL("select count(*) from {}.analytics_events").format(ident)).fetchone()[0]
        if args.reload and existing:
            conn.execute(sql.SQL("truncate {}.analytics_events").format(ident))
            existing = 0
        if existing:
            print(f"demo: reusing {existing:,} events in {args.schema}.analytics_events")
        else:
            print(f"demo: generating {args.days} days x {args.per_day:,} events ...")
            conn.execute("select setseed(0.42)")
            conn.execute(sql.SQL(GENERATE).format(schema=ident),
                         {"days": args.days, "per_day": args.per_day, "end": "now"})
            # a few rows that cannot be aggregated: counted by a warn-level test, never a failure
            conn.execute(sql.SQL(
                "insert into {}.analytics_events (project_id, event_type, created_at) values "
                "(null, 'impression', now() - interval '3 hours'), "
                "('proj_00', null, now() - interval '3 hours')").format(ident))
            conn.execute(sql.SQL("analyze {}.analytics_events").format(ident))

    print("demo: dbt build ...")
    result = dbt(["build"], args.schema, check=False)
    if result.returncode != 0:
        print("demo: dbt build failed", file=sys.stderr)
        return 1

    with connect() as conn:
        q = lambda text: conn.execute(sql.SQL(text).format(s=ident)).fetchall()  # noqa: E731
        raw, bad = q("select count(*), count(*) filter (where project_id is null or "
                     "event_type is null or created_at is null) from {s}.analytics_events")[0]
        hours, groups, events, first, last = q(
            "select count(distinct hour_bucket), count(*), sum(event_count), min(hour_bucket), "
            "max(hour_bucket) from {s}.analytics_events_hourly_agg")[0]
        top = q("select coalesce(event_label, '(no label)'), sum(event_count) "
                "from {s}.analytics_events_hourly_agg group by 1 order by 2 desc limit 5")
    print()
    print(f"rows read        {raw:,} raw events ({bad} left out: no project, type or time)")
    print(f"events counted   {events:,} in completed hours {first:%Y-%m-%d %H:00} .. "
          f"{last:%Y-%m-%d %H:00} UTC")
    print(f"hours built      {hours:,}")
    print(f"groups built     {groups:,} rows in {args.schema}.analytics_events_hourly_agg")
    print("top labels       " + ", ".join(f"{label} ({n:,})" for label, n in top))
    env = {k: os.environ.get(k, "") for k in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE")}
    print()
    print("look at it:")
    print(f"  psql -h {env['PGHOST']} -p {env['PGPORT']} -U {env['PGUSER']} {env['PGDATABASE']} "
          f"-c 'select * from {args.schema}.analytics_events_hourly_agg "
          "order by hour_bucket desc, event_count desc limit 20'")
    return 0


if __name__ == "__main__":
    sys.exit(main())
