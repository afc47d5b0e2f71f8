"""`make probe-distinct`, after `make bench`: could exact distinct counts be kept another way?

Issue 28 asks for dashboard answers in milliseconds, a refresh that costs what its hours cost
and no more storage than the raw table. Today every exact distinct count is a sort of every key
of the range (sorted uuid sets). This probe measures, side by side in one run, on the sets
`make bench` stored (schema bench_full by default), the alternative it found:

  member ids + bitmaps: a dictionary gives each (project, visitor or session) a small integer,
  numbered in the order members first appear; a set is then a bit string with bit i set for
  member i. A union is bit_or and a count bit_count, both C functions of core PostgreSQL 14+
  (no extension, so Supabase's PostgreSQL 15 and 17 have them): no sort anywhere.

It reports, for the largest tenant (most session keys) over the last 30 whole UTC days:
  1. the KPI's distinct visitors and sessions: sorted sets (today) vs bit_or + bit_count;
  2. label performance's distinct visitors per label: the same two ways;
  3. storage of those sets both ways (project days and label days);
  4. the dictionary of every project: size against the raw table's, how long it takes to build,
     to look up one hour's members and to number one hour's new members (what an hourly refresh
     would pay on top of building the hour's bitmaps, also timed).
  5. banded bitmaps, the form a refresh would store (an offset, then the bits from the lowest
     id to the highest: a project's session ids grow for ever, so full-length sets would not
     stay small): every project's hourly sets built from the dictionary (size against the
     uuid table, build time), their days unioned in C (bit_or of bands padded to a common
     offset; every day's count checked against the sorted daily set's cardinality), and the
     KPI over 30 days from those days.
  6. daily_sets' step, the refresh's slowest, as bands: the day of slices the benchmark keeps
     built as bands from the dictionary (size against the uuid slices, build time), then their
     union into label days, sorted uuid sets (the schema's own union aggregate) against bands
     in C and against sorted int4 ids (the same aggregate for int4), every label day's banded
     counts checked against daily_sets' cardinality.
  7. the open day kept as it grows, as bands: the day's label days before its newest hour ORed
     with that hour's slices (what an hourly refresh would do instead of re-ORing every hour of
     the day), every label day's counts checked against daily_sets' cardinality.
Every bitmap answer is checked against the sorted sets' answer; a mismatch stops the probe.
It only reads the benchmark's schema; its own tables live in <schema>_probe, dropped at the end.
Writes bench-results/probe-distinct.md and .json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from analytics_db import ROOT, connect
from bench_measure import timed
from psycopg import Rollback, sql

# A bitmap of n bits (n rounded up to whole bytes) with bit i (1-based, leftmost first) set for
# each id i: hex digits byte by byte, runs of zero bytes written by repeat(), so the work is one
# step per id plus one C call per run. ids must lie in 1..n.
BITMAP_FUNCTION = """
create function {probe}.bitmap(ids int [], n int)
returns bit varying
language sql
immutable
strict
as $fn$
    select (
        'x' || coalesce(string_agg(repeat('00', b.gap) || lpad(to_hex(b.v), 2, '0'), ''
            order by b.bi), '')
        || repeat('00', (n + 7) / 8 - coalesce(max(b.bi) + 1, 0))
    )::bit varying
    from (
        select bytes.bi, bytes.v,
            bytes.bi - coalesce(lag(bytes.bi) over (order by bytes.bi), -1) - 1 as gap
        from (
            select (id - 1) / 8 as bi, bit_or(128 >> ((id - 1) % 8)) as v
            from unnest(ids) as id
            group by 1
        ) as bytes
    ) as b
$fn$
"""

# A banded bitmap: the full-length bitmap above cannot serve the sets a refresh writes, because a
# project's session ids grow for ever (after 30 days every hourly session set would be 540,000
# bits wide for its few thousand sessions). A band keeps only the bits from its lowest id,
# rounded down to a byte, to its highest: a 32-bit header holding that offset, then the bits
# (bit i of the band is id offset + i). Members numbered as they first appear keep an hour's or a
# day's sessions in a narrow band. The empty set is the header alone (offset 0).
BAND_FUNCTIONS = """
create function {probe}.band(ids int [])
returns bit varying
language sql
immutable
strict
as $fn$
    select coalesce((
        select l.lo::bit(32) || ('x' || string_agg(repeat('00', b.gap)
            || lpad(to_hex(b.v), 2, '0'), '' order by b.bi))::bit varying
        from (
            select bytes.bi, bytes.v,
                bytes.bi - coalesce(lag(bytes.bi) over (order by bytes.bi), -1) - 1 as gap
            from (
                select (id - l.lo) / 8 as bi, bit_or(128 >> ((id - l.lo) % 8)) as v
                from unnest(ids) as id
                group by 1
            ) as bytes
        ) as b
    ), 0::bit(32)::bit varying)
    from (select (min(id) / 8) * 8 as lo from unnest(ids) as id) as l
$fn$;

create function {probe}.band_lo(b bit varying)
returns int
language sql
immutable
strict
as $fn$ select substring(b from 1 for 32)::bit(32)::int $fn$;
"""

# sorted int4 ids: the union aggregate of the schema's uuid sets (analytics_key_aggregates) for
# int4 ids, so the two differ in the key type alone
INT_UNION = """
create function {probe}.sorted_ints(ids int [])
returns int []
language sql
immutable
strict
as $fn$ select array(select distinct id from unnest(ids) as id order by id) $fn$;

create aggregate {probe}.int_union(int []) (
    sfunc = pg_catalog.array_cat,
    stype = int [],
    initcond = '{{}}',
    finalfunc = {probe}.sorted_ints,
    sspace = 4096
);
"""


def band_union(source: str, group: list[str], column: str) -> str:
    """The union of `source`'s banded bitmaps `column` per `group` (NULLs group together), all
    in C: each non-empty band padded with zeros to its group's [lowest offset, highest end)
    (window functions, no join), then bit_or; the padding cut from one zero string as wide as
    the widest group (materialized: computed once). Returns a query of the group columns and
    `bits` (a band; no row for a group whose bands are all empty)."""
    keys = ", ".join(group)
    lead = keys + ", " if keys else ""
    return f"""
        with src as materialized (
            select {lead}b.lo, b.band,
                min(b.lo) over w as glo, max(b.lo + length(b.band)) over w as ghi
            from (
                select {lead}{{probe}}.band_lo({column}) as lo, substring({column} from 33) as band
                from {source}
                where length({column}) > 32
            ) as b
            window w as ({'partition by ' + keys if keys else ''})
        ),
        z as materialized (select repeat('0', max(ghi - glo))::bit varying as z from src)
        select {lead}src.glo::bit(32) || bit_or(
            substring(z.z from 1 for src.lo - src.glo) || src.band
            || substring(z.z from 1 for src.ghi - src.lo - length(src.band))) as bits
        from src cross join z
        group by {lead}src.glo"""


# every project's members with the hour each first appears in, then the dictionary: numbered
# per project and kind in that order (first_seen is the probe's, not part of the dictionary)
FIRST_SEEN = """
create table {probe}.first_seen as
select h.project_id, 'v'::"char" as kind, k.member_key, min(h.hour_bucket) as first_hour
from {s}.analytics_events_project_hourly_sets as h
cross join unnest(h.visitor_keys) as k (member_key)
group by 1, 2, 3
union all
select h.project_id, 's'::"char", k.member_key, min(h.hour_bucket)
from {s}.analytics_events_project_hourly_sets as h
cross join unnest(h.session_keys) as k (member_key)
group by 1, 2, 3
"""
DICTIONARY = """
create table {probe}.member_ids as
select project_id, kind, member_key,
    row_number() over (partition by project_id, kind order by first_hour, member_key)::int as id
from {probe}.first_seen
"""


def ms(t: float) -> float:
    return round((time.perf_counter() - t) * 1000, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schema", default="bench_full",
                        help="a schema `make bench` built (default bench_full)")
    parser.add_argument("--reps", type=int, default=7, help="repetitions per query (7)")
    parser.add_argument("--out", default=str(ROOT / "bench-results"), help="output folder")
    args = parser.parse_args()
    if args.reps < 1:
        parser.error("--reps must be at least 1")
    s = sql.Identifier(args.schema)
    probe = sql.Identifier(args.schema + "_probe")
    out: dict = {"schema": args.schema}
    with connect() as conn:
        conn.execute("set jit = off")
        conn.execute("set work_mem = '64MB'")
        found = conn.execute(
            "select count(*) from pg_tables where schemaname = %s and tablename in "
            "('analytics_events', 'analytics_events_project_hourly_sets', "
            "'analytics_events_project_daily_sets', 'analytics_events_daily_sets')",
            (args.schema,)).fetchone()[0]
        if found != 4:
            raise SystemExit(f"probe: schema {args.schema!r} lacks the tables `make bench` "
                             "builds: run make bench first")
        conn.execute(sql.SQL("drop schema if exists {} cascade").format(probe))
        conn.execute(sql.SQL("create schema {}").format(probe))
        try:
            run(conn, s, probe, args.reps, out)
        finally:
            conn.execute(sql.SQL("drop schema if exists {} cascade").format(probe))
    write(out, Path(args.out))
    return 0


def run(conn, s, probe, reps: int, out: dict) -> None:
    conn.execute(sql.SQL(BITMAP_FUNCTION).format(probe=probe))
    project, last_day = conn.execute(sql.SQL(
        "select project_id, max(utc_day_bucket) from {s}.analytics_events_project_daily_sets "
        "group by 1 order by sum(cardinality(session_keys)) desc, 1 limit 1").format(s=s)
    ).fetchone()
    first_day = conn.execute("select %s::timestamptz - interval '29 days'",
                             (last_day,)).fetchone()[0]
    out.update(project=project, days=[str(first_day), str(last_day)])

    print("probe: the dictionary of every project's members", flush=True)
    conn.execute(sql.SQL(FIRST_SEEN).format(probe=probe, s=s))
    t = time.perf_counter()
    conn.execute(sql.SQL(DICTIONARY).format(probe=probe))
    conn.execute(sql.SQL("alter table {}.member_ids add primary key (project_id, kind, "
                         "member_key)").format(probe))
    out["dictionary_build_ms"] = ms(t)
    conn.execute(sql.SQL("analyze {}.member_ids").format(probe))
    members, table_b, index_b, raw_b = conn.execute(
        "select c.reltuples::bigint, pg_table_size(c.oid), pg_indexes_size(c.oid), "
        "(select pg_total_relation_size(r.oid) from pg_class as r join pg_namespace as rn "
        "on rn.oid = r.relnamespace where rn.nspname = %s and r.relname = 'analytics_events') "
        "from pg_class as c join pg_namespace as n on n.oid = c.relnamespace "
        "where n.nspname = %s and c.relname = 'member_ids'",
        (out["schema"], out["schema"] + "_probe")).fetchone()
    out["dictionary"] = {"members": members, "table_mb": round(table_b / 2**20),
                         "index_mb": round(index_b / 2**20),
                         "vs_raw_table_and_indexes": round((table_b + index_b) / raw_b, 3)}

    # one hour of an hourly refresh: look up its members (every project), number the new ones
    hour = conn.execute(sql.SQL(
        "select max(hour_bucket) - interval '1 hour' "
        "from {s}.analytics_events_project_hourly_sets").format(s=s)).fetchone()[0]
    conn.execute(sql.SQL(
        "create table {probe}.hour_members as "
        "select h.project_id, 'v'::\"char\" as kind, k.member_key "
        "from {s}.analytics_events_project_hourly_sets as h "
        "cross join unnest(h.visitor_keys) as k (member_key) where h.hour_bucket = %(h)s "
        "union all select h.project_id, 's', k.member_key "
        "from {s}.analytics_events_project_hourly_sets as h "
        "cross join unnest(h.session_keys) as k (member_key) where h.hour_bucket = %(h)s"
    ).format(probe=probe, s=s), {"h": hour})
    lookup = sql.SQL(
        "select count(d.id) from {probe}.hour_members as m join {probe}.member_ids as d "
        "using (project_id, kind, member_key)").format(probe=probe)
    lookups = []
    for _ in range(2):
        t = time.perf_counter()
        conn.execute(lookup)
        lookups.append(ms(t))
    # numbering the hour's new members (first seen in it) after each project's last id, as a
    # refresh would with a counter per project and kind; rolled back, the dictionary unchanged
    with conn.transaction():
        conn.execute(sql.SQL(
            "create temp table new_members on commit drop as select project_id, kind, "
            "member_key from {probe}.first_seen where first_hour = %s").format(probe=probe),
            (hour,))
        new = conn.execute("select count(*) from new_members").fetchone()[0]
        conn.execute(sql.SQL("delete from {}.member_ids as d using new_members as n "
                             "where (d.project_id, d.kind, d.member_key) = "
                             "(n.project_id, n.kind, n.member_key)").format(probe))
        conn.execute(sql.SQL(
            "create temp table counters on commit drop as select project_id, kind, "
            "max(id) as last_id from {}.member_ids group by 1, 2").format(probe))
        conn.execute("alter table counters add primary key (project_id, kind)")
        t = time.perf_counter()
        conn.execute(sql.SQL(
            "with numbered as (insert into {probe}.member_ids (project_id, kind, member_key, id) "
            "select n.project_id, n.kind, n.member_key, coalesce(c.last_id, 0) "
            "+ row_number() over (partition by n.project_id, n.kind order by n.member_key) "
            "from new_members as n left join counters as c using (project_id, kind) "
            "returning project_id, kind, id) "
            "update counters as c set last_id = top.id from (select project_id, kind, "
            "max(id) as id from numbered group by 1, 2) as top "
            "where (c.project_id, c.kind) = (top.project_id, top.kind)").format(probe=probe))
        numbering = ms(t)
        raise Rollback()
    out["one_hour"] = {"hour": str(hour), "members": conn.execute(sql.SQL(
        "select count(*) from {}.hour_members").format(probe)).fetchone()[0],
        "lookup_ms_first_and_second": lookups, "new_members": new,
        "numbering_new_members_ms": numbering}
    conn.execute(sql.SQL("drop table {}.first_seen").format(probe))

    print("probe: the largest tenant's sets as bitmaps", flush=True)
    caps = dict(conn.execute(sql.SQL(
        "select kind, max(id) from {}.member_ids where project_id = %s group by 1").format(probe),
        (project,)).fetchall())
    ids = ("(select {probe}.bitmap(coalesce(array_agg(d.id), '{{{{}}}}'), %(n_{kind})s) "
           "from unnest(x.{kind}_keys) as k (member_key) join {probe}.member_ids as d "
           "on d.project_id = x.project_id and d.kind = '{k}' and d.member_key = k.member_key)")
    bitmaps = {kind: sql.SQL(ids.format(probe="{probe}", kind=kind, k=kind[0])).format(
        probe=probe) for kind in ("visitor", "session")}
    # label performance's event type: the one with the most labelled days (widget_visible
    # in make bench's data)
    event_type = conn.execute(sql.SQL(
        "select event_type from {s}.analytics_events_daily_sets where project_id = %s "
        "and event_label is not null group by 1 order by count(*) desc, 1 limit 1").format(s=s),
        (project,)).fetchone()[0]
    out["label_event_type"] = event_type
    params = {"n_visitor": caps["v"], "n_session": caps["s"], "p": project, "a": first_day,
              "b": last_day, "t": event_type}
    t = time.perf_counter()
    conn.execute(sql.SQL(
        "create table {probe}.project_days as select x.utc_day_bucket, {v} as visitor_bits, "
        "{se} as session_bits, pg_column_size(x.visitor_keys) + pg_column_size(x.session_keys) "
        "as uuid_bytes from {s}.analytics_events_project_daily_sets as x "
        "where x.project_id = %(p)s and x.utc_day_bucket between %(a)s and %(b)s").format(
        probe=probe, s=s, v=bitmaps["visitor"], se=bitmaps["session"]), params)
    project_days_ms = ms(t)
    t = time.perf_counter()
    conn.execute(sql.SQL(
        "create table {probe}.label_days as select x.event_type, x.event_label, x.day_bucket, "
        "{v} as visitor_bits, {se} as session_bits, "
        "pg_column_size(x.visitor_keys) + pg_column_size(x.session_keys) as uuid_bytes, "
        "cardinality(x.visitor_keys) + cardinality(x.session_keys) as members "
        "from {s}.analytics_events_daily_sets as x where x.project_id = %(p)s "
        "and x.day_bucket between %(a)s and %(b)s").format(
        probe=probe, s=s, v=bitmaps["visitor"], se=bitmaps["session"]), params)
    label_days_ms = ms(t)
    storage = {}
    for name in ("project_days", "label_days"):
        uuid_b, bits_b, rows = conn.execute(sql.SQL(
            "select sum(uuid_bytes), sum(pg_column_size(visitor_bits) "
            "+ pg_column_size(session_bits)), count(*) from {}.{}").format(
            probe, sql.Identifier(name))).fetchone()
        storage[name] = {"rows": rows, "uuid_sets_kb": round(uuid_b / 1024),
                         "bitmaps_kb": round(bits_b / 1024),
                         "ratio": round(bits_b / uuid_b, 3)}
    members_converted = conn.execute(sql.SQL("select sum(members) from {}.label_days").format(
        probe)).fetchone()[0]
    storage["label_days"]["build_ms_per_1000_members"] = round(
        label_days_ms / max(members_converted, 1) * 1000, 2)
    storage["project_days"]["build_ms"] = project_days_ms
    out["storage"] = storage

    print("probe: the KPI and label performance, sorted sets against bitmaps", flush=True)
    queries = {
        "kpi_30_days": (
            "select (select count(distinct k) from {s}.analytics_events_project_daily_sets as x "
            "cross join unnest(x.visitor_keys) as k where x.project_id = %(p)s and "
            "x.utc_day_bucket between %(a)s and %(b)s), (select count(distinct k) from "
            "{s}.analytics_events_project_daily_sets as x cross join unnest(x.session_keys) "
            "as k where x.project_id = %(p)s and x.utc_day_bucket between %(a)s and %(b)s)",
            "select bit_count(bit_or(visitor_bits)), bit_count(bit_or(session_bits)) "
            "from {probe}.project_days"),
        "labels_30_days": (
            "select x.event_label, count(distinct k) from {s}.analytics_events_daily_sets as x "
            "cross join unnest(x.visitor_keys) as k where x.project_id = %(p)s and "
            "x.event_type = %(t)s and x.event_label is not null and "
            "x.day_bucket between %(a)s and %(b)s group by 1 order by 1",
            "select event_label, bit_count(bit_or(visitor_bits)) from {probe}.label_days "
            "where event_type = %(t)s and event_label is not null "
            "group by 1 order by 1"),
    }
    answers = {}
    for name, (sorted_q, bits_q) in queries.items():
        q_sorted = sql.SQL(sorted_q).format(s=s, probe=probe)
        q_bits = sql.SQL(bits_q).format(s=s, probe=probe)
        expected = conn.execute(q_sorted, params).fetchall()
        got = conn.execute(q_bits, params).fetchall()
        if not expected or [tuple(r) for r in got] != [tuple(r) for r in expected]:
            raise SystemExit(f"probe: {name}: bitmaps answer {got[:3]}, sorted sets "
                             f"{expected[:3]}: the comparison would be void")
        answers[name] = {"sorted_sets": timed(conn, q_sorted, params, reps),
                         "bitmaps": timed(conn, q_bits, params, reps),
                         "answer": [list(r) for r in expected[:3]]}
    out["queries"] = answers

    print("probe: banded bitmaps: every project's hourly sets, their days, the KPI", flush=True)
    conn.execute(sql.SQL(BAND_FUNCTIONS).format(probe=probe))
    band_ids = ("(select {probe}.band(coalesce(array_agg(d.id), '{{{{}}}}')) "
                "from unnest(x.{kind}_keys) as k (member_key) join {probe}.member_ids as d "
                "on d.project_id = x.project_id and d.kind = '{k}' "
                "and d.member_key = k.member_key)")
    bands = {kind: sql.SQL(band_ids.format(probe="{probe}", kind=kind, k=kind[0])).format(
        probe=probe) for kind in ("visitor", "session")}
    t = time.perf_counter()
    conn.execute(sql.SQL(
        "create table {probe}.project_hours as select x.project_id, x.hour_bucket, "
        "x.event_count, {v} as visitor_bits, {se} as session_bits, "
        "cardinality(x.visitor_keys) + cardinality(x.session_keys) as members "
        "from {s}.analytics_events_project_hourly_sets as x").format(
        probe=probe, s=s, v=bands["visitor"], se=bands["session"]))
    hours_ms = ms(t)
    conn.execute(sql.SQL("analyze {}.project_hours").format(probe))
    hour_rows, hour_members, hour_bytes, uuid_bytes = conn.execute(sql.SQL(
        "select count(*), sum(members), pg_total_relation_size('{probe}.project_hours'), "
        "pg_total_relation_size('{s}.analytics_events_project_hourly_sets') "
        "from {probe}.project_hours").format(probe=probe, s=s)).fetchone()
    # every project's days, unioned from their hours in C (what the project daily sets would
    # cost to build from banded hourly sets)
    t = time.perf_counter()
    day_of = "date_trunc('day', h.hour_bucket, 'UTC')"
    conn.execute(sql.SQL(
        "create table {probe}.band_days as select v.project_id, v.utc_day_bucket, "
        "v.bits as visitor_bits, se.bits as session_bits "
        "from (" + band_union(
            f"(select h.project_id, {day_of} as utc_day_bucket, h.visitor_bits "
            "from {probe}.project_hours as h) as x", ["project_id", "utc_day_bucket"],
            "visitor_bits") + ") as v "
        "full join (" + band_union(
            f"(select h.project_id, {day_of} as utc_day_bucket, h.session_bits "
            "from {probe}.project_hours as h) as x", ["project_id", "utc_day_bucket"],
            "session_bits") + ") as se using (project_id, utc_day_bucket)").format(probe=probe))
    days_ms = ms(t)
    # every project's every day: the C union's count equals the sorted daily set's cardinality
    checked, wrong = conn.execute(sql.SQL(
        "select count(*), count(*) filter (where coalesce(bit_count(substring(b.visitor_bits "
        "from 33)), 0) <> cardinality(d.visitor_keys) or coalesce(bit_count(substring("
        "b.session_bits from 33)), 0) <> cardinality(d.session_keys)) "
        "from {s}.analytics_events_project_daily_sets as d join {probe}.band_days as b "
        "using (project_id, utc_day_bucket)").format(s=s, probe=probe)).fetchone()
    if not checked or wrong:
        raise SystemExit(f"probe: banded project days: {wrong} of {checked} days' counts differ "
                         "from the sorted daily sets' cardinality")
    day_rows, day_bytes = conn.execute(sql.SQL(
        "select count(*), pg_total_relation_size('{probe}.band_days') "
        "from {probe}.band_days").format(probe=probe)).fetchone()
    out["banded"] = {
        "project_hours": {"rows": hour_rows, "members": hour_members,
                          "build_ms": hours_ms,
                          "build_ms_per_1000_members": round(hours_ms / max(hour_members, 1)
                                                             * 1000, 2),
                          "table_mb": round(hour_bytes / 2**20, 1),
                          "uuid_table_mb": round(uuid_bytes / 2**20, 1)},
        "project_days": {"rows": day_rows, "union_build_ms": days_ms, "days_checked": checked,
                         "table_mb": round(day_bytes / 2**20, 2)}}
    kpi_sorted = sql.SQL(queries["kpi_30_days"][0]).format(s=s, probe=probe)
    source = ("(select d.{m}_bits from {probe}.band_days as d where d.project_id = %(p)s "
              "and d.utc_day_bucket between %(a)s and %(b)s) as x")
    kpi_banded = sql.SQL(
        "select coalesce((select bit_count(u.bits) from (" + band_union(
            source.format(m="visitor", probe="{probe}"), [], "visitor_bits") + ") as u), 0), "
        "coalesce((select bit_count(u.bits) from (" + band_union(
            source.format(m="session", probe="{probe}"), [], "session_bits") + ") as u), 0)"
    ).format(probe=probe)
    expected = conn.execute(kpi_sorted, params).fetchall()
    got = conn.execute(kpi_banded, params).fetchall()
    if [tuple(r) for r in got] != [tuple(r) for r in expected]:
        raise SystemExit(f"probe: kpi_30_days: banded bitmaps answer {got}, sorted sets "
                         f"{expected}: the comparison would be void")
    out["banded"]["kpi_30_days"] = {"sorted_sets": answers["kpi_30_days"]["sorted_sets"],
                                    "banded": timed(conn, kpi_banded, params, reps),
                                    "answer": [list(r) for r in expected]}

    print("probe: a day of slices as bands, unioned into label days (daily_sets' step)",
          flush=True)
    labels = ["project_id", "event_type", "event_label", "day_bucket"]
    t = time.perf_counter()
    conn.execute(sql.SQL(
        "create table {probe}.slices as select x.project_id, x.event_type, x.event_label, "
        "x.day_bucket, x.hour_bucket, {v} as visitor_bits, {se} as session_bits, "
        "cardinality(x.visitor_keys) + cardinality(x.session_keys) as members "
        "from {s}.analytics_events_hourly_slices as x").format(
        probe=probe, s=s, v=bands["visitor"], se=bands["session"]))
    slices_ms = ms(t)
    conn.execute(sql.SQL("analyze {}.slices").format(probe))
    slice_rows, slice_members, slice_bytes, uuid_slice_bytes = conn.execute(sql.SQL(
        "select count(*), sum(members), pg_total_relation_size('{probe}.slices'), "
        "pg_total_relation_size('{s}.analytics_events_hourly_slices') "
        "from {probe}.slices").format(probe=probe, s=s)).fetchone()
    # the same slices as sorted int4 ids, and a union aggregate of the schema's uuid one's
    # shape (array_cat, then one sort per group)
    conn.execute(sql.SQL(INT_UNION).format(probe=probe))
    int_ids = ("(select coalesce(array_agg(d.id order by d.id), '{{{{}}}}') "
               "from unnest(x.{kind}_keys) as k (member_key) join {probe}.member_ids as d "
               "on d.project_id = x.project_id and d.kind = '{k}' "
               "and d.member_key = k.member_key)")
    ints = {kind: sql.SQL(int_ids.format(probe="{probe}", kind=kind, k=kind[0])).format(
        probe=probe) for kind in ("visitor", "session")}
    conn.execute(sql.SQL(
        "create table {probe}.int_slices as select x.project_id, x.event_type, x.event_label, "
        "x.day_bucket, {v} as visitor_ids, {se} as session_ids "
        "from {s}.analytics_events_hourly_slices as x").format(
        probe=probe, s=s, v=ints["visitor"], se=ints["session"]))
    int_slice_bytes = conn.execute(sql.SQL(
        "select pg_total_relation_size('{}.int_slices')").format(probe)).fetchone()[0]
    key_union = conn.execute(
        "select p.oid::regproc::text from pg_proc as p join pg_namespace as n "
        "on n.oid = p.pronamespace where n.nspname = %s and p.proname like "
        "'analytics\\_key\\_union\\_\\_%%' limit 1", (out["schema"] + "_private",)).fetchone()
    if key_union is None:
        raise SystemExit("probe: the schema's key union aggregate is missing")
    keys = ", ".join(labels)
    today = sql.SQL(
        "select count(*), sum(cardinality(u.v) + cardinality(u.se)) from (select " + keys
        + ", " + key_union[0] + "(visitor_keys) as v, " + key_union[0] + "(session_keys) as se "
        "from {s}.analytics_events_hourly_slices group by " + keys + ") as u").format(s=s)
    source = "{probe}.slices as x"
    banded = sql.SQL(
        "select (select sum(bit_count(v.bits)) from (" + band_union(source, labels,
        "visitor_bits") + ") as v), (select sum(bit_count(se.bits)) from ("
        + band_union(source, labels, "session_bits") + ") as se)").format(probe=probe)
    # every label day's banded counts equal daily_sets' cardinality for the same day
    checked = check_label_days(conn, s, probe, source, labels)
    # each timing reads every union it builds: PostgreSQL drops an aggregate whose value a
    # query never reads (count(*) over the groups alone would time the grouping only)
    union_reps = min(reps, 3)
    int_union = sql.SQL(
        "select count(*), sum(cardinality(u.v) + cardinality(u.se)) from (select " + keys
        + ", {probe}.int_union(visitor_ids) as v, {probe}.int_union(session_ids) as se "
        "from {probe}.int_slices group by " + keys + ") as u").format(probe=probe)
    # the int4 union's label days and members equal the uuid union's
    if conn.execute(int_union).fetchone() != conn.execute(today).fetchone():
        raise SystemExit("probe: the int4 id union's label days or members differ from the "
                         "uuid union's")
    out["banded"]["label_days_from_slices"] = {
        "slices": slice_rows, "members": slice_members, "build_ms": slices_ms,
        "build_ms_per_1000_members": round(slices_ms / max(slice_members, 1) * 1000, 2),
        "table_mb": round(slice_bytes / 2**20, 1),
        "uuid_table_mb": round(uuid_slice_bytes / 2**20, 1),
        "label_days_checked": checked,
        "sorted_sets_union": timed(conn, today, None, union_reps),
        "banded_union": timed(conn, banded, None, union_reps),
        "int_ids_table_mb": round(int_slice_bytes / 2**20, 1),
        "int_ids_union": timed(conn, int_union, None, union_reps)}

    print("probe: the open day kept as it grows: the stored day ORed with its newest hour",
          flush=True)
    last = conn.execute(sql.SQL("select max(hour_bucket) from {}.slices").format(probe)
                        ).fetchone()[0]
    for m in ("visitor", "session"):
        conn.execute(sql.SQL("create table {probe}.{t} as " + band_union(
            "(select * from {probe}.slices where hour_bucket < %(h)s) as x", labels,
            m + "_bits")).format(
            probe=probe, t=sql.Identifier("day_before_" + m)), {"h": last})
    # the day's label days before its newest hour, then that hour's slices: one band each
    grow = ("(select " + keys + ", x.bits as {m}_bits from {probe}.day_before_{m} as x "
            "union all select " + keys + ", x.{m}_bits from {probe}.slices as x "
            "where x.hour_bucket = %(h)s) as x")
    grown = check_label_days(conn, s, probe, grow.replace("%(h)s", "'" + str(last) + "'"),
                             labels)
    newest = sql.SQL(
        "select (select sum(bit_count(v.bits)) from (" + band_union(
            grow.replace("{m}", "visitor"), labels, "visitor_bits") + ") as v), "
        "(select sum(bit_count(se.bits)) from (" + band_union(
            grow.replace("{m}", "session"), labels, "session_bits") + ") as se)"
    ).format(probe=probe)
    hour_slices = conn.execute(sql.SQL(
        "select count(*) from {}.slices where hour_bucket = %s").format(probe), (last,)
    ).fetchone()[0]
    out["banded"]["open_day_grown_by_its_newest_hour"] = {
        "hour": str(last), "hour_slices": hour_slices, "label_days_checked": grown,
        "banded_or": timed(conn, newest, {"h": last}, union_reps)}

def check_label_days(conn, s, probe, source: str, labels: list[str]) -> int:
    """Stop unless the banded union of `source` per label day has, for every label day of
    daily_sets that the probe's slices cover, daily_sets' visitor and session cardinalities.
    Returns how many label days were checked."""
    checked, wrong = conn.execute(sql.SQL(
        "with v as ({v}), se as ({se}) "
        "select count(*), count(*) filter (where coalesce(bit_count(substring(v.bits from 33)), "
        "0) <> cardinality(d.visitor_keys) or coalesce(bit_count(substring(se.bits from 33)), "
        "0) <> cardinality(d.session_keys)) "
        "from {s}.analytics_events_daily_sets as d "
        "left join v on (v.project_id, v.event_type, v.day_bucket, coalesce(v.event_label, ''), "
        "v.event_label is null) = (d.project_id, d.event_type, d.day_bucket, "
        "coalesce(d.event_label, ''), d.event_label is null) "
        "left join se on (se.project_id, se.event_type, se.day_bucket, "
        "coalesce(se.event_label, ''), se.event_label is null) = (d.project_id, d.event_type, "
        "d.day_bucket, coalesce(d.event_label, ''), d.event_label is null) "
        "where d.day_bucket in (select day_bucket from {probe}.slices)").format(
        v=sql.SQL(band_union(source.replace("{m}", "visitor"), labels, "visitor_bits")
                  ).format(probe=probe),
        se=sql.SQL(band_union(source.replace("{m}", "session"), labels, "session_bits")
                   ).format(probe=probe),
        s=s, probe=probe)).fetchone()
    if not checked or wrong:
        raise SystemExit(f"probe: banded label days: {wrong} of {checked} label days' counts "
                         "differ from daily_sets' cardinality")
    return checked



def write(out: dict, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "probe-distinct.json").write_text(json.dumps(out, indent=2, default=str))
    d, h, st = out["dictionary"], out["one_hour"], out["storage"]
    lines = [f"schema {out['schema']}, largest tenant {out['project']}, UTC days "
             f"{out['days'][0][:10]} to {out['days'][1][:10]}", "",
             "| query | sorted uuid sets p50 / p95 ms | bitmaps p50 / p95 ms | answer |",
             "| --- | --- | --- | --- |"]
    for name, q in out["queries"].items():
        lines.append(f"| {name} | {q['sorted_sets']['p50_ms']} / {q['sorted_sets']['p95_ms']} "
                     f"| {q['bitmaps']['p50_ms']} / {q['bitmaps']['p95_ms']} | "
                     f"{q['answer'][0]} ... |")
    lines += ["", "| sets of the largest tenant, 30 days | rows | sorted uuid sets kB | "
              "bitmaps kB | bitmaps / uuid |", "| --- | --- | --- | --- | --- |"]
    for name, v in st.items():
        lines.append(f"| {name} | {v['rows']:,} | {v['uuid_sets_kb']:,} | {v['bitmaps_kb']:,} "
                     f"| {v['ratio']} |")
    lines += ["", "| member dictionary, every project | value |", "| --- | --- |",
              f"| members | {d['members']:,} |",
              f"| table + primary key MB | {d['table_mb']:,} + {d['index_mb']:,} |",
              f"| / raw table and its indexes | {d['vs_raw_table_and_indexes']} |",
              f"| build ms | {out['dictionary_build_ms']:,} |",
              f"| look up one hour's {h['members']:,} members, ms (first, second) | "
              f"{h['lookup_ms_first_and_second'][0]}, {h['lookup_ms_first_and_second'][1]} |",
              f"| number that hour's {h['new_members']:,} new members, ms | "
              f"{h['numbering_new_members_ms']} |",
              f"| build bitmaps, ms per 1,000 members (label days) | "
              f"{st['label_days']['build_ms_per_1000_members']} |"]
    b = out["banded"]
    lines += ["", "| banded bitmaps (offset + band), every project | value |", "| --- | --- |",
              f"| project hourly sets: {b['project_hours']['rows']:,} rows, MB, uuid sets "
              f"-> banded | {b['project_hours']['uuid_table_mb']:,} -> "
              f"{b['project_hours']['table_mb']:,} |",
              f"| built from the dictionary, ms (per 1,000 members) | "
              f"{b['project_hours']['build_ms']:,} "
              f"({b['project_hours']['build_ms_per_1000_members']}) |",
              f"| project daily sets: {b['project_days']['rows']:,} rows unioned from the "
              f"hours in C, ms / MB | {b['project_days']['union_build_ms']:,} / "
              f"{b['project_days']['table_mb']} |",
              f"| project days whose banded counts equal the sorted sets' cardinality | "
              f"{b['project_days']['days_checked']:,} of {b['project_days']['days_checked']:,} |",
              f"| KPI 30 days, sorted sets p50 / p95 ms | "
              f"{b['kpi_30_days']['sorted_sets']['p50_ms']} / "
              f"{b['kpi_30_days']['sorted_sets']['p95_ms']} |",
              f"| KPI 30 days, banded union p50 / p95 ms (answer equal: "
              f"{b['kpi_30_days']['answer'][0]}) | {b['kpi_30_days']['banded']['p50_ms']} / "
              f"{b['kpi_30_days']['banded']['p95_ms']} |"]
    ld = b["label_days_from_slices"]
    lines += ["", "| one day of slices as bands (daily_sets' step) | value |", "| --- | --- |",
              f"| slices: {ld['slices']:,} rows, MB, uuid sets -> banded | "
              f"{ld['uuid_table_mb']:,} -> {ld['table_mb']:,} |",
              f"| built from the dictionary, ms (per 1,000 members) | {ld['build_ms']:,} "
              f"({ld['build_ms_per_1000_members']}) |",
              f"| union into label days, sorted uuid sets p50 / p95 ms | "
              f"{ld['sorted_sets_union']['p50_ms']:,} / {ld['sorted_sets_union']['p95_ms']:,} |",
              f"| slices as sorted int4 ids, MB | {ld['int_ids_table_mb']:,} |",
              f"| union into label days, sorted int4 ids p50 / p95 ms | "
              f"{ld['int_ids_union']['p50_ms']:,} / {ld['int_ids_union']['p95_ms']:,} |",
              f"| union into label days, bands in C p50 / p95 ms | "
              f"{ld['banded_union']['p50_ms']:,} / {ld['banded_union']['p95_ms']:,} |",
              f"| label days whose banded counts equal daily_sets' cardinality | "
              f"{ld['label_days_checked']:,} of {ld['label_days_checked']:,} |"]
    g = b["open_day_grown_by_its_newest_hour"]
    lines += ["", "| the open day kept as it grows (bands) | value |", "| --- | --- |",
              f"| the day's label days so far ORed with its newest hour's {g['hour_slices']:,} "
              f"slices ({g['hour'][:16]}), p50 / p95 ms | {g['banded_or']['p50_ms']:,} / "
              f"{g['banded_or']['p95_ms']:,} |",
              f"| label days whose counts equal daily_sets' cardinality after it | "
              f"{g['label_days_checked']:,} of {g['label_days_checked']:,} |"]
    text = "\n".join(lines) + "\n"
    (folder / "probe-distinct.md").write_text(text)
    print(text)


if __name__ == "__main__":
    raise SystemExit(main())
