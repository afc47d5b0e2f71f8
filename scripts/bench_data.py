"""The benchmark's data: the synthetic raw events (`load`) and the owner of the largest tenant
(`identities`), for scripts/bench.py."""

from __future__ import annotations

import datetime as dt

from analytics_db import create_raw_table
from psycopg import sql

# the benchmark's user: owns proj_000, the largest tenant, in the stand-in app tables
OWNER = "00000000-0000-0000-0000-00000000b0ff"

GENERATE = """
insert into {schema}.analytics_events
    (project_id, visitor_id, session_id, event_type, event_label, created_at)
select
    'proj_' || lpad(p.n::text, 3, '0'),
    'v' || p.n || '_' || v.k,
    -- a session is a visitor's 4-hour block of the whole dataset (not of this chunk):
    -- several events each, as on a real site
    's' || p.n || '_' || v.k || '_' || floor((%(first)s + g.i) * %(spacing)s / 14400)::int,
    (array['impression', 'impression', 'widget_visible', 'interaction', 'page_view'])
        [1 + floor(random() * 5)::int],
    case when random() < 0.1 then null
         else 'label_' || floor(random() * 20)::int end,
    %(start)s::timestamptz + make_interval(secs => g.i * %(spacing)s)
from generate_series(0, %(rows)s - 1) as g (i)
cross join lateral (
    -- skewed tenants: a few big projects, a long tail
    select floor(%(projects)s * power(random() + g.i * 0, 3))::int as n
) as p
-- realistic reuse: a few thousand visitors per project, some much more active than others
cross join lateral (select floor(power(random() + g.i * 0, 2) * 3000)::int as k) as v
"""


def load(conn, schema: str, days: float, per_day: int, projects: int,
         end: dt.datetime) -> int:
    create_raw_table(conn, schema)
    ident = sql.Identifier(schema)
    conn.execute(sql.SQL("truncate {}.analytics_events").format(ident))
    # a fresh deployment: a --full-refresh keeps the member dictionary (by design), so without
    # this a second run's dictionary would still hold the first run's members (their ids widen
    # the bands and the dictionary counts twice in the storage ratio); the build that follows
    # is a --full-refresh of every model, which starts the ids afresh
    conn.execute(sql.SQL("drop table if exists {0}.analytics_member_ids, "
                         "{0}.analytics_member_counters").format(ident))
    rows = int(days * per_day)
    start = end - dt.timedelta(days=days)
    chunk = 1_000_000
    for first in range(0, rows, chunk):
        n = min(chunk, rows - first)
        print(f"bench: {schema}: generating rows {first:,}..{first + n:,} of {rows:,}",
              flush=True)
        conn.execute(sql.SQL(GENERATE).format(schema=ident), {
            "start": start + dt.timedelta(seconds=first * 86400 / per_day),
            "spacing": 86400 / per_day, "rows": n, "projects": projects, "first": first})
    conn.execute(sql.SQL("analyze {}.analytics_events").format(ident))
    return rows


def identities(conn, schema: str) -> None:
    """The benchmark owner owns proj_000 (the biggest tenant) in the stand-in app tables."""
    s = sql.Identifier(schema)
    conn.execute(sql.SQL("insert into {}.account (id, user_id) values "
                         "('b0000000-0000-0000-0000-00000000000b', %s) on conflict do nothing"
                         ).format(s), (OWNER,))
    conn.execute(sql.SQL("insert into {}.project (project_id, account_id) values "
                         "('proj_000', 'b0000000-0000-0000-0000-00000000000b') "
                         "on conflict do nothing").format(s))
