"""Operator sequences tried as a hostile operator would: a run beside an open application
transaction, the plan's rollout order (the hourly table first, the rollups later), a full
refresh while the pg_cron function runs, a hash index on created_at, a TRUNCATE of the raw
table with late-change tracking on. Each once failed or stalled the application."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import psycopg
import pytest
from analytics_db import DbtResult, connect, dbt
from conftest import Project, ts
from hostile_rows import event
from hostile_rows import history as every_other_hour
from psycopg import sql
from test_deployments import SETTLED_COLUMNS
from test_rollups import check_all

ON = {"track_late_changes": True}


def history(p: Project, days: int = 3) -> None:
    p.insert([{"project_id": f"p{h % 2 + 1}", "event_type": ("click", "view")[h % 2],
               "event_label": ("hero", None, " ")[h % 3], "visitor_id": f"v{h % 5}",
               "session_id": f"s{d}{h // 4}", "created_at": ts(f"2026-03-0{d} {h:02d}:20")}
              for d in range(1, days + 1) for h in range(24)])


def app_insert(p: Project, conn: psycopg.Connection, at: str) -> None:
    conn.execute(sql.SQL("insert into {}.analytics_events (project_id, event_type, visitor_id, "
                         "created_at) values ('p1', 'click', 'app', %s)").format(p.ident),
                 (ts(at),))


def while_running(run, statement) -> int:
    """`statement(conn)` again and again, each in its own transaction with a 3 s lock_timeout,
    for as long as `run` (a dbt process) goes on; one that waits longer raises. How many were
    made."""
    made = 0
    with connect() as conn:
        conn.execute("set lock_timeout = '3s'")
        while run.poll() is None:
            statement(conn)
            made += 1
            time.sleep(0.1)
    return made


def writes_while(p: Project, run, at: str) -> int:
    """Application inserts while `run` goes on (while_running)."""
    return while_running(run, lambda conn: app_insert(p, conn, at))


# --- 1: a run beside an open application transaction ---------------------------------------
def test_a_run_never_makes_application_writes_wait(project: Project) -> None:
    """An application transaction left open across `dbt run` with late changes on: the run's
    hooks and models take no lock the application's inserts queue behind (the hook once
    re-enabled RLS on the change log every run: ACCESS EXCLUSIVE behind the open insert, and
    every later insert behind it), and the run finishes while it is still open. Installing the
    triggers needs a lock the open transaction holds: the run stops after 2 s with a message
    that names it, and the inserts meanwhile wait less than that."""
    history(project)
    project.dbt_run(ts("2026-03-03 12:05"))
    app = connect(autocommit=False)
    try:
        app_insert(project, app, "2026-03-03 11:10")  # left open
        run = project.start_dbt(ts("2026-03-03 13:05"), select=None, **ON)
        assert writes_while(project, run, "2026-03-03 11:15") > 0
        out = run.communicate()[0]
        assert run.returncode != 0, out
        assert "within 2s to create the late-change triggers (track_late_changes is on)" in out, out
        app.commit()

        project.dbt_run(ts("2026-03-03 13:05"), **ON)  # installs them
        app_insert(project, app, "2026-03-03 12:10")  # open again, and a mark in the change log
        run = project.start_dbt(ts("2026-03-03 14:05"), select=None, **ON)
        assert writes_while(project, run, "2026-03-03 12:15") > 0
        out = run.communicate()[0]
        assert run.returncode == 0, out
        app.commit()
    finally:
        app.rollback()
        app.close()
    at = ts("2026-03-03 16:05")
    project.dbt_run(at, **ON)
    check_all(project, at, "UTC")


def reads_while(p: Project, run) -> int:
    """Dashboard reads of the label-day sets while `run` goes on (while_running)."""
    return while_running(run, lambda conn: conn.execute(
        sql.SQL("select count(*) from {}.analytics_events_daily_sets").format(p.ident)))


def test_an_upgrade_beside_an_open_dashboard_read(project: Project) -> None:
    """An older release's label-day sets (no settled columns) while a dashboard's transaction
    that read them is still open: the run's DDL that adds the columns waits 2 s at most, then
    the run stops with a message naming the table and what the DDL was for, and nothing is
    changed; reads meanwhile never wait as long as their 3 s lock_timeout. Once the read has
    ended, the next run adds the columns and every table is exact."""
    history(project)
    project.dbt_run(ts("2026-03-03 12:05"))
    settled = list(SETTLED_COLUMNS)
    project.execute("alter table {schema}.analytics_events_daily_sets "
                    + ", ".join(f"drop column {c}" for c in settled))

    def columns() -> int:
        return project.conn.execute(
            "select count(*) from pg_attribute where attrelid = to_regclass(%s) "
            "and attname = any(%s) and not attisdropped",
            (f"{project.schema}.analytics_events_daily_sets", settled)).fetchone()[0]

    dashboard = connect(autocommit=False)
    try:
        dashboard.execute(sql.SQL("select count(*) from {}.analytics_events_daily_sets")
                          .format(project.ident))  # left open: its lock is held
        run = project.start_dbt(ts("2026-03-03 13:05"), select=None)
        assert reads_while(project, run) > 0
        out = run.communicate()[0]
        assert run.returncode != 0, out
        assert "within 2s to add the columns of this release: sessions" in out, out
        assert columns() == 0
    finally:
        dashboard.rollback()
        dashboard.close()
    at = ts("2026-03-03 13:05")
    project.dbt_run(at)
    assert columns() == len(settled)
    check_all(project, at, "UTC")
    project.refresh(at + dt.timedelta(hours=1))
    check_all(project, at + dt.timedelta(hours=1), "UTC")


# --- 4: an index on created_at that cannot scan a range --------------------------------------
def run_checked(p: Project, as_of: dt.datetime, **variables) -> DbtResult:
    """`dbt run` that may fail: its result."""
    return dbt(["run"], p.schema, {"app_schema": p.schema, "policy_schema": f"{p.schema}_private",
                                   "as_of": as_of.isoformat(), **variables}, check=False)


def test_only_an_index_that_scans_a_range_of_created_at_passes_the_check(project: Project
                                                                        ) -> None:
    """The raw-index check once passed a hash index on created_at, which cannot serve the
    window's `created_at >= ... and created_at < ...`: every run would have read the whole
    table. A hash index, a partial btree, an expression index and one where created_at is not
    first are refused; BRIN and a btree starting with created_at pass."""
    history(project, days=1)
    project.execute("drop index {schema}.analytics_events_created_at_idx")
    for ddl in ("create index raw_hash on {schema}.analytics_events using hash (created_at)",
                "create index raw_partial on {schema}.analytics_events (created_at) "
                "where project_id = 'p1'",
                "create index raw_expression on {schema}.analytics_events "
                "((created_at at time zone 'UTC'))",
                "create index raw_second on {schema}.analytics_events (project_id, created_at)"):
        project.execute(ddl)
        result = run_checked(project, ts("2026-03-01 12:05"))
        assert result.returncode != 0, ddl
        assert "no index starting with created_at that can scan a range" in result.stdout, ddl
    project.execute("create index raw_brin on {schema}.analytics_events using brin (created_at)")
    assert run_checked(project, ts("2026-03-01 12:05")).returncode == 0
    project.execute("drop index {schema}.raw_brin")
    project.execute("create index raw_btree on {schema}.analytics_events (created_at, id)")
    assert run_checked(project, ts("2026-03-01 13:05")).returncode == 0
    check_all(project, ts("2026-03-01 13:05"), "UTC")


# --- 2: the plan's rollout order ------------------------------------------------------------
def test_the_rollout_order_hourly_table_first_builds_the_rest_whole(project: Project) -> None:
    """The plan's rollout: `dbt run --select +analytics_events_hourly_agg` for a while (the
    slices prune the days the lookback no longer reaches), then a plain `dbt run`. Every model
    built for the first time gets its whole backfill window (the pruned slices rebuilt from the
    raw events first; it once failed for three models), and the next run prunes them again."""
    history(project, days=4)
    for at in ("2026-03-02 12:05", "2026-03-03 12:05", "2026-03-04 12:05"):
        project.dbt_run(ts(at), select="+analytics_events_hourly_agg")
    at = ts("2026-03-04 13:05")
    project.dbt_run(at)
    check_all(project, at, "UTC")
    at = ts("2026-03-04 14:05")
    project.refresh(at)
    check_all(project, at, "UTC")
    oldest = project.conn.execute(sql.SQL(
        "select min(day_bucket) from {}.analytics_events_hourly_slices").format(project.ident)
    ).fetchone()[0]
    assert oldest == ts("2026-03-04 00:00")


# --- 3: a full refresh while the pg_cron function runs ---------------------------------------
def test_a_full_refresh_while_the_function_runs_in_a_loop(project: Project) -> None:
    """`dbt run --full-refresh` while the pg_cron function is called again and again: between
    two of the run's models the function prunes the freshly rebuilt slices (it once refused
    four models then); every model is built whole and exact, and no call fails."""
    history(project, days=4)
    at = ts("2026-03-04 13:05")
    project.dbt_run(ts("2026-03-04 12:05"))
    project.refresh(at)
    # the interleaving, step by step: the slices rebuilt, the function, then their readers
    project.dbt_run(at, select="analytics_events_hourly_slices", full_refresh=True)
    project.refresh(at)
    project.dbt_run(at, select="analytics_events_hourly_slices+", full_refresh=True,
                    exclude="analytics_events_hourly_slices")
    check_all(project, at, "UTC")
    # and as it happens: the function in a loop through a whole --full-refresh
    stop = threading.Event()
    calls: list[int] = []
    errors: list[Exception] = []

    def loop() -> None:
        with connect() as c:
            while not stop.is_set():
                try:
                    c.execute(sql.SQL("select {}.analytics_refresh_aggregates(%s)").format(
                        project.ident), (at,))
                    calls.append(1)
                except psycopg.Error as exc:
                    errors.append(exc)
                time.sleep(0.05)

    cron = threading.Thread(target=loop)
    cron.start()
    try:
        run = project.start_dbt(at, select=None, full_refresh=True)
        out = run.communicate(timeout=600)[0]
    finally:
        stop.set()
        cron.join(timeout=120)
    assert run.returncode == 0, out[-3000:]
    assert not errors, errors
    assert len(calls) > 1
    check_all(project, at, "UTC")


# --- 5: TRUNCATE of the raw table with late changes on ---------------------------------------
@pytest.mark.parametrize("runner", ["dbt", "function"])
def test_a_truncate_of_the_raw_table_is_followed(project: Project, runner: str) -> None:
    """`TRUNCATE analytics_events` with tracking on once left every aggregate as it was: a
    statement trigger now marks every hour any aggregate holds, and the next run empties every
    hour, day and week (those older than the lookback and the pruned slices' days included);
    new events after it are counted as usual."""
    history(project)
    project.dbt_run(ts("2026-03-03 12:05"), **ON)
    project.refresh(ts("2026-03-03 13:05"))
    project.execute("truncate {schema}.analytics_events")
    at = ts("2026-03-03 14:05")
    if runner == "dbt":
        project.dbt_run(at, **ON)
    else:
        project.refresh(at)
    check_all(project, at, "UTC")
    for name in ("analytics_events_hourly_agg", "analytics_events_weekly_type_agg",
                 "analytics_events_project_daily_sets", "analytics_events_hourly_slices"):
        assert project.table_rows(name, ("project_id",)) == [], name
    project.insert([{"project_id": "p1", "event_type": "click", "visitor_id": "after",
                     "created_at": ts("2026-03-01 10:10")}])
    at = ts("2026-03-03 15:05")
    project.refresh(at)
    check_all(project, at, "UTC")


# --- from the hostile-input suite: freshness, a run stopped between models, status arguments,
# two application writers ---------------------------------------------------------------------
def test_recency_passes_a_quiet_night_and_fails_while_events_wait(project: Project) -> None:
    """The recency test (tag freshness) passes a night without events and fails once an event has
    waited three hours unaggregated."""
    every_other_hour(project, days=1)
    project.dbt_run(ts("2026-03-01 23:05"))

    def recency(as_of: str) -> int:
        return dbt(["test", "--select", "tag:freshness"], project.schema,
                   {"as_of": as_of, "app_schema": project.schema,
                    "policy_schema": f"{project.schema}_private"}, check=False).returncode

    assert recency("2026-03-02T04:05:00Z") == 0  # no events since: nothing is late
    project.insert([event("2026-03-02 01:10")])
    assert recency("2026-03-02T04:05:00Z") != 0  # an event waits 3 hours: stale


def test_the_next_run_heals_a_run_that_stopped_between_models(project: Project) -> None:
    """A run stopped after the hourly model's commit leaves the hourly table ahead of the rest;
    the next run brings every table level and exact."""
    every_other_hour(project)
    project.dbt_run(ts("2026-03-04 12:05"))
    project.insert([event("2026-03-04 12:30", visitor_id="new")])
    # what a kill after the hourly model's commit leaves: hourly ahead of everything else
    project.dbt_run(ts("2026-03-05 12:05"), select="analytics_events_hourly_agg")
    project.dbt_run(ts("2026-03-05 13:05"))
    check_all(project, ts("2026-03-05 13:05"), "UTC")


def test_ops_status_follows_the_schema_and_checks_its_arguments(project: Project) -> None:
    """`status` finds the raw table through the deployment's staging view; every out-of-range
    argument (negative runs, nan or infinite hours, a schedule that never fires) and a bad
    PGHOST exit 2 with the option or the host named."""
    from test_ops import ops

    if project.conn.execute("select 1 from pg_extension where extname = 'pg_cron'"
                            ).fetchone() is None:
        pytest.skip("pg_cron is not installed here (make test's PostgreSQL 15 cluster has it)")
    every_other_hour(project, days=1)
    project.dbt_run(ts("2026-03-01 12:05"))
    out = ops("status", "--schema", project.schema, "--json")
    assert out.returncode in (0, 1), out.stderr  # not 2: the raw table was found
    assert json.loads(out.stdout)["newest_hour_bucket"] is not None
    for args, message in [
        (("register", "--schema", project.schema, "--purge-history-days", "100000000000"),
         "--purge-history-days"),
        (("register", "--schema", project.schema, "--schedule", "0 0 31 2 *"), "never fires"),
        (("status", "--schema", project.schema, "--runs", "-1"), "--runs: must be between"),
        (("status", "--schema", project.schema, "--max-failures", "0"), "must be between"),
        (("status", "--schema", project.schema, "--max-lag-hours", "nan"), "finite number"),
        (("status", "--schema", project.schema, "--max-lag-hours", "inf"), "finite number"),
        (("status", "--schema", project.schema, "--max-dashboard-ms", "-5"), "above 0"),
    ]:
        out = ops(*args)
        assert out.returncode == 2 and message in out.stderr, out.stderr
    out = ops("status", "--schema", project.schema, env={"PGHOST": "no-such-host.invalid"})
    assert out.returncode == 2 and "'no-such-host.invalid'" in out.stderr, out.stderr
    assert "PGHOST=no-such-host.invalid" in out.stderr and "None" not in out.stderr
    out = ops("register", "--schema", project.schema, "--job-name", "it's a job", "--dry-run")
    assert out.returncode == 0, out.stderr
    assert "cron.schedule('it''s a job'" in out.stdout, out.stdout


def test_application_inserts_never_wait_or_deadlock(project: Project) -> None:
    """Two application transactions inserting into the same hours in opposite orders with late
    changes on: neither waits past a 2 s lock_timeout (the first design deadlocked), and the next
    refresh is exact."""
    every_other_hour(project, days=1)
    project.dbt_run(ts("2026-03-01 12:05"), track_late_changes=True)
    first, second = connect(autocommit=False), connect(autocommit=False)
    insert = sql.SQL("insert into {}.analytics_events (project_id, event_type, created_at) "
                     "values ('p1', 'impression', %s)").format(project.ident)
    try:
        for c in (first, second):
            c.execute("set lock_timeout = '2s'")
        first.execute(insert, (ts("2026-03-01 10:10"),))
        second.execute(insert, (ts("2026-03-01 11:20"),))
        first.execute(insert, (ts("2026-03-01 11:10"),))  # once: waited, then deadlocked
        second.execute(insert, (ts("2026-03-01 10:20"),))
        first.commit()
        second.commit()
    finally:
        first.close()
        second.close()
    at = ts("2026-03-01 13:05")
    project.refresh(at)
    check_all(project, at, "UTC")
