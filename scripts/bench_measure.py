"""The benchmark's measurements: timings as medians of repetitions, the plans of a function's
statements (auto_explain), ingest with and without the late-change triggers, and two
concurrent writers, for scripts/bench.py."""

from __future__ import annotations

import datetime as dt
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

import psycopg
from analytics_db import connect, create_raw_table, dbt
from bench_data import OWNER
from psycopg import sql

NO_AUTO_EXPLAIN = ("(no plan: this role may not LOAD auto_explain, a superuser-only step; "
                   "on Supabase use EXPLAIN in the SQL editor)")


def can_load_auto_explain(conn) -> bool:
    """Whether this session may LOAD auto_explain (a superuser, or the library in plugins/)."""
    try:
        with conn.transaction():
            conn.execute("load 'auto_explain'")
        return True
    except psycopg.errors.InsufficientPrivilege:
        return False


def nested_plans(conn, query, params=None, owner: bool = False,
                 rollback: bool = False) -> list[str]:
    """EXPLAIN ANALYZE of the statements a function runs (auto_explain), slowest first; with
    `owner`, run as the benchmark owner (auto_explain is set up as superuser before); with
    `rollback`, in a transaction rolled back after, so the database is left as it was."""
    plans: list[str] = []
    if not can_load_auto_explain(conn):
        return [NO_AUTO_EXPLAIN]

    def handler(diag) -> None:
        plans.append(diag.message_primary or "")

    conn.add_notice_handler(handler)
    try:
        conn.execute("load 'auto_explain'")
        for setting, value in (("log_min_duration", "0"), ("log_analyze", "on"),
                               ("log_buffers", "on"), ("log_nested_statements", "on"),
                               ("log_level", "notice")):
            conn.execute(f"set auto_explain.{setting} = '{value}'")
        with conn.transaction():
            if owner:
                conn.execute("set local role authenticated")
                conn.execute("select set_config('request.jwt.claims', %s, true)",
                             (json.dumps({"sub": OWNER, "role": "authenticated"}),))
            conn.execute(query, params).fetchall()
            if rollback:
                raise psycopg.Rollback()
    finally:
        conn.execute("set auto_explain.log_min_duration = -1")
        conn.remove_notice_handler(handler)

    def ms(plan: str) -> float:
        return float(plan.split("duration: ", 1)[1].split(" ms", 1)[0]) if "duration: " in plan \
            else 0.0
    # the outermost call finishes (and is logged) last: keep only the statements inside it
    # (a plain query has none: then its own plan)
    return sorted(plans[:-1] or plans, key=ms, reverse=True)


def first_build_plan(conn, schema: str, variables: dict, model: str) -> str:
    """EXPLAIN ANALYZE of a model's first-build statement (`dbt compile --full-refresh`) on a
    schema built already, in a transaction rolled back after: the member dictionary and its
    counters emptied first, so the statement numbers and inserts every member as a first build
    does; with two of the settings the marts' pre-hooks give it (dbt_project.yml: work_mem from
    var refresh_work_mem, no JIT; the lz4 setting changes no plan)."""
    with tempfile.TemporaryDirectory() as target:
        dbt(["compile", "--full-refresh", "--select", model], schema, variables,
            target_path=target)
        compiled = next(Path(target, "compiled").glob(f"*/models/**/{model}.sql")).read_text()
    s = sql.Identifier(schema)
    with conn.transaction():
        conn.execute("select set_config('work_mem', %s, true)",
                     (str(variables.get("refresh_work_mem", "64MB")),))
        conn.execute("set local jit = off")
        conn.execute(sql.SQL("truncate {}.analytics_member_ids, {}.analytics_member_counters")
                     .format(s, s))
        plan = "\n".join(row[0] for row in conn.execute(
            "explain (analyze, buffers) " + compiled).fetchall())
        raise psycopg.Rollback()
    return plan


def timed(conn, query, params=None, reps: int = 5, before=None) -> dict:
    """Median, p95, max and first of reps runs of query; `before`, when given, runs untimed
    before each. The p95 is a sample's (int(0.95 reps) + 1)-th smallest: with fewer than 20
    repetitions it is the max."""
    samples = []
    rows = 0
    for _ in range(reps):
        if before is not None:
            before()
        t = time.perf_counter()
        rows = len(conn.execute(query, params).fetchall())
        samples.append((time.perf_counter() - t) * 1000)
    first = samples[0]
    samples.sort()
    return {"p50_ms": round(statistics.median(samples), 2),
            "p95_ms": round(samples[min(len(samples) - 1, int(0.95 * len(samples)))], 2),
            "max_ms": round(samples[-1], 2), "first_ms": round(first, 2), "rows": rows}


def as_owner(conn, query, params, reps):
    """Run as the API would: authenticated, with the owner's JWT, RLS on."""
    with conn.transaction():
        conn.execute("set local role authenticated")
        conn.execute("select set_config('request.jwt.claims', %s, true)",
                     (json.dumps({"sub": OWNER, "role": "authenticated"}),))
        return timed(conn, query, params, reps)


def ingest_overhead(copy_rows: int, batches: int, reps: int, prefix: str = "bench") -> dict:
    """Ingest into a raw table with and without the late-change triggers, alternating, in one
    run: COPY of copy_rows rows, and 100-row INSERT statements as an API would send them."""
    schema = f"{prefix}_ingest"
    with connect() as conn:
        create_raw_table(conn, schema)
    dbt(["run-operation", "analytics_track_late_changes"], schema,
        {"track_late_changes": True})
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    lines = "".join(
        f"p{i % 100}\tv{i % 5000}\ts{i % 20000}\timpression\tl{i % 20}\t"
        f"{(base + dt.timedelta(seconds=i * 3)).isoformat()}\n" for i in range(copy_rows))
    batch = [("p1", f"v{i}", f"s{i}", "interaction", "cta",
              base + dt.timedelta(minutes=i)) for i in range(100)]
    cols = "(project_id, visitor_id, session_id, event_type, event_label, created_at)"
    samples: dict = {"copy_off": [], "copy_on": [], "batch_off": [], "batch_on": []}
    with connect() as conn:
        raw = sql.SQL("{}.analytics_events").format(sql.Identifier(schema))
        for _ in range(reps):
            for mode in ("off", "on"):
                conn.execute(sql.SQL("truncate {}").format(raw))
                conn.execute(sql.SQL("truncate {}.analytics_pending_hours, "
                                     "{}.analytics_change_log").format(
                    sql.Identifier(schema), sql.Identifier(schema)))
                conn.execute(sql.SQL("alter table {} {} trigger user").format(
                    raw, sql.SQL("enable" if mode == "on" else "disable")))
                t = time.perf_counter()
                with conn.cursor() as cur, cur.copy(
                        sql.SQL("copy {} " + cols + " from stdin").format(raw)) as copy:
                    copy.write(lines)
                samples[f"copy_{mode}"].append(time.perf_counter() - t)
                t = time.perf_counter()
                one_statement = sql.SQL("insert into {} " + cols + " values " + ", ".join(
                    ["(%s, %s, %s, %s, %s, %s)"] * len(batch))).format(raw)
                flat = [value for row in batch for value in row]
                for _ in range(batches):  # one 100-row statement each, as PostgREST sends them
                    conn.execute(one_statement, flat)
                samples[f"batch_{mode}"].append(time.perf_counter() - t)
        conn.execute(sql.SQL("alter table {} enable trigger user").format(raw))
    med = {k: statistics.median(v) for k, v in samples.items()}
    return {
        "copy_rows": copy_rows, "batches_of_100": batches,
        "copy_s_without": round(med["copy_off"], 3), "copy_s_with": round(med["copy_on"], 3),
        "copy_overhead_pct": round(100 * (med["copy_on"] / med["copy_off"] - 1), 1),
        "batch_s_without": round(med["batch_off"], 3),
        "batch_s_with": round(med["batch_on"], 3),
        "batch_overhead_pct": round(100 * (med["batch_on"] / med["batch_off"] - 1), 1),
    }


def concurrent_writers(transactions: int, prefix: str = "bench") -> dict:
    """Two application writers, each `transactions` transactions of two single-row INSERTs into
    the same two hours in opposite orders (10:10 then 11:10; 11:20 then 10:20), with the
    late-change triggers off and on: deadlocks and per-transaction latency. Run after
    ingest_overhead, which installs the triggers in the same schema."""
    schema = f"{prefix}_ingest"
    raw = sql.SQL("{}.analytics_events").format(sql.Identifier(schema))
    insert = sql.SQL("insert into {} (project_id, event_type, created_at) "
                     "values ('p1', 'impression', %s)").format(raw)
    base = dt.datetime(2026, 1, 1, 10, tzinfo=dt.UTC)
    orders = ([base + dt.timedelta(minutes=10), base + dt.timedelta(minutes=70)],
              [base + dt.timedelta(minutes=80), base + dt.timedelta(minutes=20)])
    out: dict = {"transactions_per_writer": transactions}
    for mode in ("off", "on"):
        with connect() as conn:
            conn.execute(sql.SQL("alter table {} {} trigger user").format(
                raw, sql.SQL("enable" if mode == "on" else "disable")))
        latencies: list[float] = []
        deadlocks = [0]

        def writer(times: list[dt.datetime], latencies: list[float] = latencies,
                   deadlocks: list[int] = deadlocks) -> None:
            with connect(autocommit=False) as c:
                for _ in range(transactions):
                    t = time.perf_counter()
                    try:
                        for at in times:
                            c.execute(insert, (at,))
                        c.commit()
                    except psycopg.errors.DeadlockDetected:
                        c.rollback()
                        deadlocks[0] += 1
                    latencies.append(time.perf_counter() - t)

        threads = [threading.Thread(target=writer, args=(o,)) for o in orders]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        latencies.sort()
        out[mode] = {"deadlocks": deadlocks[0],
                     "p50_ms": round(1000 * statistics.median(latencies), 2),
                     "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 2)}
    with connect() as conn:
        conn.execute(sql.SQL("alter table {} enable trigger user").format(raw))
    return out
