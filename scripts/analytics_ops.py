"""Operate the aggregates in the database: the pg_cron job, its health, retention and erasure.

Connects through the standard libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE),
like the dbt profile. The pg_cron job calls <schema>.analytics_refresh_aggregates(), the function
that every `dbt run` re-creates from the project's own macros: the job never carries a copy of the
aggregation SQL, so it cannot drift from the dbt model.

Exit codes: 0 ok / healthy; 1 unhealthy (status) ; 2 usage or environment error (pg_cron missing,
bad schedule, function not deployed, ...). Every command has --help.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import analytics_db
import psycopg
from psycopg import sql

DEFAULT_JOB = "aggregate-analytics-events-hourly"
DEFAULT_SCHEDULE = "5 * * * *"
PURGE_JOB = "purge-cron-job-run-details"
PURGE_SCHEDULE = "17 3 * * *"
MARKER = "-- managed by analytics-events-agg"
FUNCTION_ARGS = "(timestamptz, timestamptz, timestamptz, integer, integer)"


class OpsError(Exception):
    """An error the user can act on; printed without a traceback, exit code 2."""


# --- schedules ----------------------------------------------------------------------------
FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12),
          ("day of week", 0, 7))
MACROS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
SECONDS = re.compile(r"^\s*([1-9]|[1-5][0-9])\s+seconds?\s*$")


def validate_schedule(schedule: str, pg_cron_version: tuple[int, ...] | None = None) -> str:
    """Check a pg_cron schedule before sending it; return it normalised or raise OpsError."""
    text = " ".join(schedule.split())
    if text in MACROS:
        return text
    if SECONDS.match(text):
        if pg_cron_version is not None and pg_cron_version < (1, 5):
            raise OpsError(f"schedule {schedule!r}: '<n> seconds' schedules need pg_cron 1.5 or "
                           f"newer; this database has {'.'.join(map(str, pg_cron_version))}")
        return text
    parts = text.split(" ")
    if len(parts) != 5:
        raise OpsError(f"schedule {schedule!r}: expected 5 fields (minute hour day-of-month "
                       f"month day-of-week), e.g. '5 * * * *', got {len(parts)}")
    for part, (name, low, high) in zip(parts, FIELDS, strict=True):
        for item in part.split(","):
            base, _, step = item.partition("/")
            if step and (not step.isdigit() or int(step) == 0):
                raise OpsError(f"schedule {schedule!r}: bad step {step!r} in the {name} field")
            if base == "*":
                continue
            bounds = base.split("-")
            if len(bounds) > 2 or not all(b.isdigit() for b in bounds):
                raise OpsError(f"schedule {schedule!r}: {item!r} is not a number, range or '*' "
                               f"in the {name} field")
            values = [int(b) for b in bounds]
            if any(v < low or v > high for v in values):
                raise OpsError(f"schedule {schedule!r}: {item!r} is outside {low}-{high} in the "
                               f"{name} field")
            if len(values) == 2 and values[0] > values[1]:
                raise OpsError(f"schedule {schedule!r}: range {base!r} runs backwards in the "
                               f"{name} field")
    if parts[4] == "*" and parts[2] != "*" and parts[3] != "*":
        # the day of month alone decides: it must exist in at least one of the months
        days, months = _values(parts[2], 1, 31), _values(parts[3], 1, 12)
        if min(days) > max(MONTH_DAYS[m - 1] for m in months):
            raise OpsError(f"schedule {schedule!r} never fires: no month in its month field "
                           f"has day {min(days)}")
    return text


MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _values(field: str, low: int, high: int) -> set[int]:
    """The numbers a validated cron field matches."""
    out: set[int] = set()
    for item in field.split(","):
        base, _, step = item.partition("/")
        lo, hi = (low, high) if base == "*" else (int(base.split("-")[0]),
                                                  int(base.split("-")[-1]))
        if step and base != "*" and "-" not in base:
            hi = high
        out.update(range(lo, hi + 1, int(step) if step else 1))
    return out


# --- database checks ----------------------------------------------------------------------
def connect() -> psycopg.Connection:
    try:
        return analytics_db.connect()
    except psycopg.OperationalError as exc:
        given = ", ".join(f"{name}={os.environ[name]}" for name in
                          ("PGHOST", "PGPORT", "PGDATABASE", "PGUSER") if os.environ.get(name))
        raise OpsError(f"cannot connect with the PG* variables ({given or 'none set'}): "
                       f"{exc}".strip()) from exc


def pg_cron_version(conn: psycopg.Connection) -> tuple[int, ...]:
    """The installed pg_cron version; OpsError with what to do when it cannot serve this db."""
    db = conn.execute("select current_database()").fetchone()[0]
    preload = conn.execute("select current_setting('shared_preload_libraries')").fetchone()[0]
    cron_db = conn.execute("select current_setting('cron.database_name', true)").fetchone()[0]
    row = conn.execute("select extversion from pg_extension where extname = 'pg_cron'").fetchone()
    if "pg_cron" not in preload:
        raise OpsError("pg_cron is not preloaded on this server: add it to "
                       "shared_preload_libraries and restart PostgreSQL (on Supabase it is)")
    if cron_db and cron_db != db:
        raise OpsError(f"pg_cron serves the database {cron_db!r} (cron.database_name), not "
                       f"{db!r}: run this against {cron_db!r}, or point cron.database_name here")
    if row is None:
        raise OpsError(f"pg_cron is not installed in database {db!r}: run "
                       "'create extension pg_cron' (Supabase: Database > Extensions > pg_cron)")
    return tuple(int(x) for x in re.findall(r"\d+", row[0])[:3])


def refresh_function(conn: psycopg.Connection, schema: str) -> sql.Composed:
    ident = sql.SQL("{}.analytics_refresh_aggregates").format(sql.Identifier(schema))
    signature = sql.SQL("{}{}").format(ident, sql.SQL(FUNCTION_ARGS)).as_string(conn)
    if conn.execute("select to_regprocedure(%s)", (signature,)).fetchone()[0] is None:
        raise OpsError(f"{schema}.analytics_refresh_aggregates() does not exist: run "
                       f"`dbt build` (or `dbt run`) with the target schema {schema!r} first")
    return ident


def raw_table(conn: psycopg.Connection, schema: str, source_schema: str | None) -> sql.Composed:
    """The raw table the deployment in `schema` reads: --source-schema when given, else the
    table its staging view depends on (so it follows the dbt var source_schema)."""
    if source_schema:
        return sql.SQL("{}.analytics_events").format(sql.Identifier(source_schema))
    view = sql.SQL("{}.stg_analytics_events").format(sql.Identifier(schema)).as_string(conn)
    row = conn.execute("""
        select dep.refobjid::regclass::text
        from pg_rewrite as rw
        inner join pg_depend as dep
            on dep.classid = 'pg_rewrite'::regclass and dep.objid = rw.oid
        where rw.ev_class = to_regclass(%s) and dep.refclassid = 'pg_class'::regclass
            and dep.refobjid <> rw.ev_class
        limit 1""", (view,)).fetchone()
    if row is None:
        raise OpsError(f"{schema}.stg_analytics_events does not exist: run `dbt build` with the "
                       f"target schema {schema!r} first, or give --source-schema")
    return sql.SQL(row[0])


def job_command(conn: psycopg.Connection, schema: str) -> str:
    call = sql.SQL("select {}()").format(refresh_function(conn, schema)).as_string(conn)
    return f"{call} {MARKER}"


MAX_PURGE_DAYS = 3650


def purge_command(conn: psycopg.Connection, days: int) -> str:
    query = sql.SQL("delete from cron.job_run_details where end_time < now() - {} * "
                    "interval '1 day'").format(sql.Literal(days))
    return f"{query.as_string(conn)} {MARKER}"


# --- commands -----------------------------------------------------------------------------
def cmd_register(args: argparse.Namespace) -> int:
    with connect() as conn:
        version = pg_cron_version(conn)
        schedule = validate_schedule(args.schedule, version)
        jobs = [(args.job_name, schedule, job_command(conn, args.schema))]
        if args.purge_history_days is not None:
            if not 1 <= args.purge_history_days <= MAX_PURGE_DAYS:
                raise OpsError(f"--purge-history-days must be between 1 and {MAX_PURGE_DAYS}, "
                               f"got {args.purge_history_days}")
            jobs.append((PURGE_JOB, validate_schedule(PURGE_SCHEDULE, version),
                         purge_command(conn, args.purge_history_days)))
        for name, when, command in jobs:
            existing = conn.execute(
                "select jobid, command from cron.job where jobname = %s", (name,)).fetchone()
            if existing and MARKER not in existing[1]:
                raise OpsError(f"a job named {name!r} exists and was not created by this "
                               "script; choose another --job-name")
            verb = "update" if existing else "create"
            if args.dry_run:
                print(f"would {verb} job {name!r} ({when}): {command}")
                print("  " + sql.SQL("select cron.schedule({}, {}, {});").format(
                    sql.Literal(name), sql.Literal(when), sql.Literal(command)).as_string(conn))
                continue
            jobid = conn.execute("select cron.schedule(%s, %s, %s)",
                                 (name, when, command)).fetchone()[0]
            print(f"{verb}d job {name!r} (jobid {jobid}, {when}): {command}")
    return 0


def cmd_unregister(args: argparse.Namespace) -> int:
    with connect() as conn:
        pg_cron_version(conn)
        names = [args.job_name, PURGE_JOB]
        rows = conn.execute("select jobid, jobname, command from cron.job where jobname = any(%s)",
                            (names,)).fetchall()
        mine = [(jobid, name) for jobid, name, command in rows if MARKER in command]
        for jobid, name in mine:
            if args.dry_run:
                print(f"would remove job {name!r} (jobid {jobid})")
            else:
                conn.execute("select cron.unschedule(%s::bigint)", (jobid,))
                print(f"removed job {name!r} (jobid {jobid})")
        if not mine:
            print(f"no job named {args.job_name!r} created by this script; nothing removed")
    return 0


@dataclass
class Health:
    job_name: str
    registered: bool
    active: bool | None
    schedule: str | None
    runs: list[dict[str, Any]]
    success_rate: float | None
    consecutive_failures: int
    last_success: str | None
    newest_hour_bucket: str | None
    lag_hours: float | None
    unaggregated_events_waiting: bool | None
    dashboard_latency: dict[str, Any]
    aggregates: dict[str, Any]
    healthy: bool
    problems: list[str]


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def check_health(conn: psycopg.Connection, args: argparse.Namespace) -> Health:
    pg_cron_version(conn)
    problems: list[str] = []
    job = conn.execute("select jobid, schedule, active from cron.job where jobname = %s",
                       (args.job_name,)).fetchone()
    runs: list[dict[str, Any]] = []
    if job is None:
        problems.append(f"job {args.job_name!r} is not registered")
    else:
        for status, start, end, message in conn.execute(
                "select status, start_time, end_time, return_message from cron.job_run_details "
                "where jobid = %s and status in ('succeeded', 'failed') "
                "order by start_time desc limit %s", (job[0], args.runs)):
            runs.append({"status": status, "start_time": _iso(start), "end_time": _iso(end),
                         "message": message})
        if not job[2]:
            problems.append(f"job {args.job_name!r} is not active")
    failures = 0
    for run in runs:
        if run["status"] != "failed":
            break
        failures += 1
    if failures >= args.max_failures:
        problems.append(f"{failures} failed runs in a row (alert at {args.max_failures})")
    last_success = next((r["start_time"] for r in runs if r["status"] == "succeeded"), None)

    agg = sql.SQL("{}.analytics_events_hourly_agg").format(sql.Identifier(args.schema))
    raw = raw_table(conn, args.schema, args.source_schema)
    # a bucket later than now() cannot be a real hour: it never makes the data look fresh
    newest, lag = conn.execute(sql.SQL(
        "select max(hour_bucket), extract(epoch from now() - max(hour_bucket)) / 3600 from {} "
        "where hour_bucket <= now()").format(agg)).fetchone()
    # Events in completed hours after the newest stored one: is there anything to be fresh
    # about? A quiet night with no events is not a stale aggregate.
    waiting = conn.execute(sql.SQL(
        "select exists (select from {} where created_at >= coalesce(%s, '-infinity') "
        "+ interval '1 hour' and created_at < date_trunc('hour', now(), 'UTC'))").format(raw),
        (newest,)).fetchone()[0]
    if lag is not None and float(lag) > args.max_lag_hours and waiting:
        problems.append(f"no new hour for {float(lag):.1f} h (alert after {args.max_lag_hours} h)"
                        " while raw events are waiting")
    if newest is None and waiting:
        problems.append("the hourly table is empty while raw events are waiting")
    latency = dashboard_latency(conn, args.schema)
    for name, stats in (latency["functions"] or {}).items():
        if stats["mean_ms"] is not None and stats["mean_ms"] > args.max_dashboard_ms:
            problems.append(f"{name} takes {stats['mean_ms']:.0f} ms on average over "
                            f"{stats['calls']} calls (alert above {args.max_dashboard_ms:g} ms)")
    rate = (sum(r["status"] == "succeeded" for r in runs) / len(runs)) if runs else None
    return Health(
        job_name=args.job_name, registered=job is not None,
        active=None if job is None else bool(job[2]), schedule=None if job is None else job[1],
        runs=runs, success_rate=rate, consecutive_failures=failures, last_success=last_success,
        newest_hour_bucket=_iso(newest), lag_hours=None if lag is None else round(float(lag), 2),
        unaggregated_events_waiting=waiting, dashboard_latency=latency,
        aggregates=aggregate_sizes(conn, args.schema, raw), healthy=not problems,
        problems=problems)


DASHBOARD_FUNCTIONS = ("analytics_event_series", "analytics_label_performance",
                       "analytics_kpi_totals")


def _calls_of(schema: str, function: str) -> re.Pattern[str]:
    """A query (SELECT or WITH, as PostgREST's rpc calls are; never the CREATE FUNCTION or a
    grant naming it) that calls `function` of this deployment: schema-qualified, or unqualified
    (through the search_path) but never another schema's."""
    qualified = rf'(?:"{re.escape(schema)}"|{re.escape(schema)})\s*\.\s*'
    return re.compile(rf'^\s*(?:select|with)\b.*?(?:{qualified}|(?<![\w$."]))'
                      rf'"?{re.escape(function)}"?\s*\(', re.IGNORECASE | re.DOTALL)


def dashboard_latency(conn: psycopg.Connection, schema: str) -> dict[str, Any]:
    """The dashboard functions' calls and execution times from pg_stat_statements (the plan's
    alert: dashboard queries over 500 ms), summed over every statement that calls each one in
    this database since the statistics were last reset. `functions` is None, with the reason in
    `note`, where pg_stat_statements is not installed or not preloaded; otherwise `note` says
    whether it has evicted statements (calls missing from these numbers)."""
    row = conn.execute("select extnamespace::regnamespace::text from pg_extension "
                       "where extname = 'pg_stat_statements'").fetchone()
    if row is None:
        return {"source": None, "functions": None, "note": (
            "pg_stat_statements is not installed in this database, so the dashboard functions' "
            "latency is not known: create extension pg_stat_statements (it must be in "
            "shared_preload_libraries; Supabase has both by default)")}
    view = sql.SQL("{}.pg_stat_statements").format(sql.Identifier(row[0]))
    try:
        with conn.transaction():
            statements = conn.execute(sql.SQL(
                "select query, calls, total_exec_time, max_exec_time from {} "
                "where dbid = (select oid from pg_database where datname = current_database()) "
                "and calls > 0 and query ilike any(%s)").format(view),
                ([f"%{name}%" for name in DASHBOARD_FUNCTIONS],)).fetchall()
    except psycopg.Error as exc:
        return {"source": row[0] + ".pg_stat_statements", "functions": None,
                "note": f"pg_stat_statements cannot be read: {exc}".strip()}
    functions: dict[str, Any] = {}
    note = _evictions_note(conn, view)
    for name in DASHBOARD_FUNCTIONS:
        pattern = _calls_of(schema, name)
        mine = [s for s in statements if pattern.search(s[0] or "")]
        calls = sum(s[1] for s in mine)
        functions[name] = {
            "statements": len(mine), "calls": calls,
            "mean_ms": round(sum(s[2] for s in mine) / calls, 2) if calls else None,
            "max_ms": round(max(s[3] for s in mine), 2) if calls else None}
    return {"source": row[0] + ".pg_stat_statements", "functions": functions, "note": note}


def _evictions_note(conn: psycopg.Connection, view: sql.Composed) -> str | None:
    """pg_stat_statements keeps pg_stat_statements.max statements and evicts the least used when
    it is full: a dashboard call evicted since the last reset is missing from the latency above.
    Says so when pg_stat_statements_info (1.9, PostgreSQL 14) counts an eviction."""
    info = sql.Composed([view, sql.SQL("_info")])
    if conn.execute("select to_regclass(%s)", (info.as_string(conn),)).fetchone()[0] is None:
        return None
    dealloc, reset, limit = conn.execute(sql.SQL(
        "select dealloc, stats_reset, current_setting('pg_stat_statements.max', true) from {}"
    ).format(info)).fetchone()
    if not dealloc:
        return None
    return (f"pg_stat_statements evicted its least-used statements {dealloc} times since "
            f"{_iso(reset)} (pg_stat_statements.max = {limit}): calls evicted are missing here; "
            "raise pg_stat_statements.max or reset it with pg_stat_statements_reset()")


def aggregate_sizes(conn: psycopg.Connection, schema: str, raw: sql.Composable
                    ) -> dict[str, Any]:
    """Each maintained table's disk use (table, TOAST and indexes) and rows, beside the raw
    table's: the plan's weekly size check and row growth against event volume. Rows are the
    planner's estimates (no table is counted); inserted and deleted are the rows written since
    the statistics were last reset, for the raw table too, so growth reads against volume."""
    state = sql.SQL("{}.analytics_refresh_state").format(sql.Identifier(schema))
    if conn.execute("select to_regclass(%s)", (state.as_string(conn),)).fetchone()[0] is None:
        return {"tables": {}, "raw": None, "aggregates_to_raw": None}
    query = """
        select pg_total_relation_size(c.oid), pg_indexes_size(c.oid),
            greatest(c.reltuples, 0)::bigint, st.n_tup_ins, st.n_tup_del
        from pg_class as c
        left join pg_stat_user_tables as st on st.relid = c.oid
        where c.oid = to_regclass(%s)"""

    def measure(relation: str) -> dict[str, Any] | None:
        found = conn.execute(query, (relation,)).fetchone()
        if found is None:
            return None
        return dict(zip(("total_bytes", "index_bytes", "rows", "inserted", "deleted"), found,
                        strict=True))

    tables = {}
    for (model,) in conn.execute(sql.SQL("select model from {} order by model").format(state)):
        measured = measure(sql.SQL("{}.{}").format(sql.Identifier(schema),
                                                   sql.Identifier(model)).as_string(conn))
        if measured is not None:
            tables[model] = measured
    raw_size = measure(raw.as_string(conn))
    total = sum(t["total_bytes"] for t in tables.values())
    return {"tables": tables, "raw": raw_size, "aggregates_to_raw": round(
        total / raw_size["total_bytes"], 3) if raw_size and raw_size["total_bytes"] else None}


def cmd_status(args: argparse.Namespace) -> int:
    with connect() as conn:
        health = check_health(conn, args)
    if args.json:
        print(json.dumps(asdict(health), indent=2))
    else:
        print(f"job              {health.job_name} ({health.schedule or 'not registered'}, "
              f"{'active' if health.active else 'inactive'})")
        rate = "n/a" if health.success_rate is None else f"{health.success_rate:.0%}"
        print(f"last {len(health.runs)} runs     success rate {rate}, "
              f"{health.consecutive_failures} failures in a row")
        print(f"last success     {health.last_success or 'never'}")
        print(f"newest hour      {health.newest_hour_bucket or 'none'} "
              f"(lag {health.lag_hours if health.lag_hours is not None else 'n/a'} h)")
        for run in health.runs[:5]:
            print(f"  {run['start_time']}  {run['status']:9}  {(run['message'] or '')[:80]}")
        latency = health.dashboard_latency
        if latency["functions"] is None:
            print(f"dashboard        {latency['note']}")
        else:
            print(f"dashboard        from {latency['source']} (since its last reset)")
            if latency["note"]:
                print(f"  {latency['note']}")
            for name, stats in latency["functions"].items():
                timing = ("no calls" if not stats["calls"] else
                          f"{stats['calls']} calls, mean {stats['mean_ms']} ms, "
                          f"max {stats['max_ms']} ms")
                print(f"  {name:28} {timing}")
        sizes = health.aggregates
        if sizes["raw"]:
            print(f"storage          aggregates / raw {sizes['aggregates_to_raw']}x; raw "
                  f"{_mb(sizes['raw']['total_bytes'])}, ~{sizes['raw']['rows']:,} rows, "
                  f"+{sizes['raw']['inserted'] or 0:,} -{sizes['raw']['deleted'] or 0:,}")
        for name, size in sizes["tables"].items():
            print(f"  {name:40} {_mb(size['total_bytes']):>10} (indexes "
                  f"{_mb(size['index_bytes'])}), ~{size['rows']:,} rows, "
                  f"+{size['inserted'] or 0:,} -{size['deleted'] or 0:,}")
        print("HEALTHY" if health.healthy else "UNHEALTHY: " + "; ".join(health.problems))
    return 0 if health.healthy else 1


def _mb(size: int) -> str:
    return f"{size / 1048576:.1f} MB"


def grain_columns(conn: psycopg.Connection, schema: str, table: str) -> list[tuple[str, bool]]:
    """The columns of a maintained table's grain, in order, each with whether it is NOT NULL:
    read from its constraint <table>_grain_key, which dbt makes from the model's declaration,
    so no script repeats a grain by hand."""
    relation = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))
    rows = conn.execute("""
        select att.attname, att.attnotnull
        from pg_constraint as con
        cross join lateral unnest(con.conkey) with ordinality as grain (attnum, position)
        inner join pg_attribute as att
            on att.attrelid = con.conrelid and att.attnum = grain.attnum
        where con.conrelid = to_regclass(%s) and con.conname = %s
        order by grain.position""", (relation.as_string(conn), f"{table}_grain_key")).fetchall()
    if not rows:
        raise OpsError(f"{schema}.{table} has no constraint {table}_grain_key: run `dbt run` "
                       f"with the target schema {schema!r} first")
    return [(name, bool(not_null)) for name, not_null in rows]


def cmd_prune_hourly(args: argparse.Namespace) -> int:
    """Delete hourly rows older than N days whose day the daily rollup already holds."""
    if args.older_than_days < 1:
        raise OpsError("--older-than-days must be at least 1")
    with connect() as conn:
        hourly = sql.SQL("{}.analytics_events_hourly_agg").format(sql.Identifier(args.schema))
        daily = sql.SQL("{}.analytics_events_daily_agg").format(sql.Identifier(args.schema))
        # the daily group of an hourly row: the daily table's grain (its named constraint, made
        # from the model's declaration), its day the hour's day in the rollup zone
        same_group = [
            sql.SQL("d.{0} = h.{0}" if not_null else "d.{0} is not distinct from h.{0}").format(
                sql.Identifier(column))
            for column, not_null in grain_columns(conn, args.schema, "analytics_events_daily_agg")
            if column != "day_bucket"]
        covered = sql.SQL("""
            from {hourly} as h
            where h.hour_bucket < date_trunc('day', now() - make_interval(days => %(days)s),
                                             %(tz)s)
              and exists (
                select from {daily} as d
                where {same_group}
                  and d.day_bucket = date_trunc('day', h.hour_bucket, %(tz)s))
        """).format(hourly=hourly, daily=daily, same_group=sql.SQL(" and ").join(same_group))
        params = {"days": args.older_than_days, "tz": args.rollup_time_zone}
        with conn.transaction():
            analytics_db.lock_schema(conn, args.schema)
            total = conn.execute(sql.SQL("select count(*) from {}").format(hourly)).fetchone()[0]
            count = conn.execute(sql.SQL("select count(*) ") + covered, params).fetchone()[0]
            if args.dry_run:
                print(f"would delete {count:,} of {total:,} hourly rows older than "
                      f"{args.older_than_days} days whose days the daily rollup holds")
                return 0
            deleted = conn.execute(
                sql.SQL("delete from {} as target where target.id in (select h.id ").format(
                    hourly) + covered + sql.SQL(")"), params).rowcount
        print(f"deleted {deleted:,} of {total:,} hourly rows older than "
              f"{args.older_than_days} days (their days stay in the daily and weekly rollups)")
    return 0


def cmd_prune_member_ids(args: argparse.Namespace) -> int:
    """Delete the member dictionary's rows whose id no stored set holds any more."""
    ids = sql.SQL("{}.analytics_member_ids").format(sql.Identifier(args.schema))
    with connect() as conn, conn.transaction():
        analytics_db.lock_schema(conn, args.schema)
        if conn.execute("select to_regclass(%s)", (f'"{args.schema}".analytics_member_ids',)
                        ).fetchone()[0] is None:
            raise OpsError(f"schema {args.schema!r} has no analytics_member_ids (not deployed, "
                           "or deployed by a release before the member dictionary)")
        if conn.execute("select count(*) from pg_attribute where attrelid = to_regclass(%s) "
                        "and attname = 'member_space' and not attisdropped",
                        (f'"{args.schema}".analytics_member_ids',)).fetchone()[0] == 0:
            raise OpsError(f"schema {args.schema!r}: analytics_member_ids is keyed by an older "
                           "release's layout; run dbt run once (it rewrites it into member "
                           "spaces), then prune")
        # every set column of the schema's tables: sorted ids (integer[]) or a band
        columns = conn.execute(
            "select c.relname, a.attname, format_type(a.atttypid, a.atttypmod) "
            "from pg_class as c join pg_attribute as a on a.attrelid = c.oid "
            "where c.relnamespace = %s::regnamespace and c.relkind = 'r' "
            "and a.attname in ('visitor_keys', 'session_keys') and not a.attisdropped "
            "order by 1, 2", (args.schema,)).fetchall()
        # every member of a stored set is in the label-day sets (or, for days they do not hold
        # yet, the slices); without them a member could be dropped while a set still holds it
        missing = ({"analytics_events_hourly_slices", "analytics_events_daily_sets"}
                   - {table for table, _, kind in columns if kind == "integer[]"})
        if missing:
            raise OpsError(f"schema {args.schema!r} has no {', '.join(sorted(missing))}: "
                           "build every model first (dbt run), then prune")
        unknown = {(t, c, k) for t, c, k in columns if k not in ("integer[]", "bit varying")}
        if unknown:
            raise OpsError(f"member sets of an unknown type, nothing deleted: {sorted(unknown)}")

        def kind_of(column: str) -> sql.Literal:
            return sql.Literal("v" if column == "visitor_keys" else "s")

        # a project and kind's member space: the dictionary's key with the member key
        counters = sql.SQL("{}.analytics_member_counters").format(sql.Identifier(args.schema))
        held = sql.SQL(" union all ").join(
            sql.SQL("select c.member_space, unnest(s.{c}) as member_id "
                    "from {s}.{t} as s join {counters} as c "
                    "on c.project_id = s.project_id and c.kind = {k}").format(
                k=kind_of(column), c=sql.Identifier(column), s=sql.Identifier(args.schema),
                t=sql.Identifier(table), counters=counters)
            for table, column, kind in columns if kind == "integer[]")
        # the members no sorted-id set holds; then those a band still holds (its bit is set)
        conn.execute(sql.SQL(
            "create temporary table analytics_unheld_members on commit drop as "
            "select d.member_space, d.member_id from {ids} as d "
            "where not exists (select from ({held}) as h where h.member_space = d.member_space "
            "and h.member_id = d.member_id)").format(ids=ids, held=held))
        for table, column, kind in columns:
            if kind != "bit varying":
                continue
            conn.execute(sql.SQL(
                "delete from analytics_unheld_members as u using {s}.{t} as b "
                "join {counters} as c on c.project_id = b.project_id and c.kind = {k} "
                "where u.member_space = c.member_space "
                "and u.member_id + 33 - substring(b.{c} from 1 for 32)::bit(32)::int "
                "between 33 and length(b.{c}) "
                "and substring(b.{c} from u.member_id + 33 "
                "- substring(b.{c} from 1 for 32)::bit(32)::int for 1) = B'1'").format(
                    s=sql.Identifier(args.schema), t=sql.Identifier(table),
                    k=kind_of(column), c=sql.Identifier(column), counters=counters))
        total = conn.execute(sql.SQL("select count(*) from {}").format(ids)).fetchone()[0]
        count = conn.execute("select count(*) from analytics_unheld_members").fetchone()[0]
        if args.dry_run:
            print(f"would delete {count:,} of {total:,} member ids that no stored set holds")
            return 0
        deleted = conn.execute(sql.SQL(
            "delete from {} as d using analytics_unheld_members as u where d.member_space = "
            "u.member_space and d.member_id = u.member_id").format(ids)).rowcount
    print(f"deleted {deleted:,} of {total:,} member ids that no stored set holds (their keys "
          "are gone; a member seen again gets a new id)")
    return 0


TAP_TESTS = Path(__file__).resolve().parent.parent / "supabase" / "tests"


def cmd_verify(args: argparse.Namespace) -> int:
    """Run the project's pgTAP checks (supabase/tests/*.test.sql) against this database."""
    settings = {"analytics.schema": args.schema, "analytics.app_schema": args.app_schema,
                "analytics.policy_schema": args.policy_schema,
                "analytics.user_id": args.user_id or "", "analytics.job_name": args.job_name}
    files = sorted(TAP_TESTS.glob("*.test.sql"))
    if not files:
        raise OpsError(f"no pgTAP files in {TAP_TESTS}")
    failed = 0
    with connect() as conn:
        db = conn.execute("select current_database()").fetchone()[0]
        if conn.execute("select 1 from pg_extension where extname = 'pgtap'").fetchone() is None:
            raise OpsError(
                f"pgTAP is not installed in database {db!r}, so nothing was checked (and nothing "
                "written). Supabase: Database > Extensions > pgtap; elsewhere: create extension "
                "pgtap with schema extensions (Debian: apt-get install postgresql-15-pgtap)")
        for name, value in settings.items():
            conn.execute("select set_config(%s, %s, false)", (name, value))
        for path in files:
            print(f"# {path.name}")
            with conn.cursor() as cur:
                cur.execute(path.read_text())  # the file's own transaction rolls back
                lines: list[str] = []
                while True:
                    if cur.description is not None and len(cur.description) == 1:
                        lines += [str(row[0]) for row in cur.fetchall() if row[0] is not None]
                    if not cur.nextset():
                        break
            for line in lines:
                print(line)
            failed += sum(line.startswith("not ok") for line in lines)
            failed += sum(line.startswith("# Looks like you planned") for line in lines)
    print("PASS" if failed == 0 else f"FAIL: {failed} failed check(s)")
    return 0 if failed == 0 else 1


def bounded_int(low: int, high: int):
    """An argparse type: an integer in [low, high]."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}, got {value}")
        return value
    return parse


def positive_float(text: str) -> float:
    """An argparse type: a finite number above 0 (not nan, not inf)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number above 0, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analytics_ops", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    schema_default = os.environ.get("DBT_SCHEMA", "public")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--job-name", default=DEFAULT_JOB,
                       help=f"pg_cron job name (default {DEFAULT_JOB})")
        p.add_argument("--schema", default=schema_default,
                       help="schema of the aggregates and of analytics_refresh_aggregates() "
                            "(default: $DBT_SCHEMA or public)")

    p = sub.add_parser("register", help="schedule (or update) the hourly refresh job",
                       description="Schedule the hourly job in the database where pg_cron runs. "
                       "Running it again updates the same job; it never adds a second one.")
    common(p)
    p.add_argument("--schedule", default=DEFAULT_SCHEDULE,
                   help=f"cron schedule, checked before it is sent (default '{DEFAULT_SCHEDULE}')")
    p.add_argument("--purge-history-days", type=int, metavar="DAYS",
                   help=f"also schedule {PURGE_JOB!r} ({PURGE_SCHEDULE}), deleting "
                        f"cron.job_run_details rows older than DAYS (1-{MAX_PURGE_DAYS}; 7 is a "
                        "good value): pg_cron "
                        "never cleans them and a large history breaks Supabase upgrades")
    p.add_argument("--dry-run", action="store_true", help="print what would be done, do nothing")
    p.set_defaults(func=cmd_register)

    p = sub.add_parser("unregister", help="remove the job(s) this script created, nothing else")
    common(p)
    p.add_argument("--dry-run", action="store_true", help="print what would be done, do nothing")
    p.set_defaults(func=cmd_unregister)

    p = sub.add_parser("status", help="health of the job and of the data; exit 1 when unhealthy",
                       description="Last runs, success rate, failures in a row, last success, "
                       "the newest hour's lag, the dashboard functions' latency "
                       "(pg_stat_statements, where installed) and each aggregate's size and rows "
                       "beside the raw table's. Exit 0 healthy, 1 unhealthy (N failures in a "
                       "row, no new hour for H hours while raw events wait, or a dashboard "
                       "function slower than M ms on average), 2 error.")
    common(p)
    p.add_argument("--source-schema", default=None,
                   help="schema of the raw analytics_events (default: the table the "
                        "deployment's staging view reads, i.e. the dbt var source_schema)")
    p.add_argument("--runs", type=bounded_int(1, 10000), default=20,
                   help="how many recent runs to read (1-10000, default 20)")
    p.add_argument("--max-failures", type=bounded_int(1, 10000), default=3,
                   help="unhealthy at this many failed runs in a row (default 3)")
    p.add_argument("--max-lag-hours", type=positive_float, default=3,
                   help="unhealthy when the newest hour is older than this (default 3)")
    p.add_argument("--max-dashboard-ms", type=positive_float, default=500,
                   help="unhealthy when a dashboard function's mean execution time in "
                        "pg_stat_statements is above this many ms (the plan's alert; default "
                        "500)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("verify", help="run the pgTAP security checks against this database; "
                       "exit 1 when one fails",
                       description="Runs supabase/tests/*.test.sql (the files `supabase test db` "
                       "and pg_prove run) over this connection, in a transaction that rolls "
                       "back: RLS on every relation, exact API grants on every table, view, "
                       "sequence and function, what a user sees, no JWT and anon see nothing, "
                       "pinned search_path, the pg_cron job. Exit 0 all passed, 1 a check "
                       "failed, 2 error (e.g. pgTAP not installed).")
    common(p)
    p.add_argument("--app-schema", default="public",
                   help="schema of the app tables the policies consult (default public)")
    p.add_argument("--policy-schema", default="analytics_private",
                   help="the dbt var policy_schema (default analytics_private)")
    p.add_argument("--user-id", help="a user (uuid) whose visible projects are checked against "
                   "the app tables (optional)")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("prune-hourly", help="opt-in retention: delete old hourly rows that the "
                       "daily rollup already covers",
                       description="Delete analytics_events_hourly_agg rows older than N days, "
                       "only for groups and days the daily rollup holds, so the daily and weekly "
                       "numbers are unchanged (they are built from the member sets, never from "
                       "the hourly rows). Hourly charts then start N days "
                       "back. Holds the refresh lock while it deletes.")
    common(p)
    p.add_argument("--older-than-days", type=int, required=True, metavar="N",
                   help="keep the last N days of hourly rows (whole days in the rollup zone)")
    p.add_argument("--rollup-time-zone", default="UTC",
                   help="the dbt var rollup_time_zone the project runs with (default UTC)")
    p.add_argument("--dry-run", action="store_true", help="count, delete nothing")
    p.set_defaults(func=cmd_prune_hourly)

    p = sub.add_parser("prune-member-ids", help="after an erasure: delete the member "
                       "dictionary's keys that no stored set holds any more",
                       description="The member dictionary (analytics_member_ids) keeps md5 of "
                       "every visitor and session id a run has seen, so that a member keeps its "
                       "id. Once a member's raw events are deleted and the runs have "
                       "re-aggregated its hours (track_late_changes on, or a re-aggregation "
                       "range), no stored set holds its id: this deletes such rows, so no table "
                       "of the project keeps its key. Reads every stored set (minutes on a large "
                       "history). Holds the refresh lock while it runs.")
    common(p)
    p.add_argument("--dry-run", action="store_true", help="count, delete nothing")
    p.set_defaults(func=cmd_prune_member_ids)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except OpsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except psycopg.Error as exc:
        print(f"error: the database said: {exc}".strip(), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
