"""Two refreshes at once are serialized by the advisory lock; a run killed half-way leaves the
table exactly as it was. Both use real separate processes against the real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import subprocess
import threading
import time

import psycopg
from analytics_db import connect, lock_schema
from conftest import Project, ts
from oracle import HourlyOracle

BEFORE = ts("2026-03-01 06:05")
AS_OF = ts("2026-03-01 09:05")


def seed(project: Project) -> None:
    project.insert([{"project_id": p, "event_type": "click", "event_label": label,
                     "visitor_id": f"v{h % 3}", "session_id": f"s{h}",
                     "created_at": ts("2026-03-01 00:10") + dt.timedelta(hours=h)}
                    for h in range(9) for p in ("p1", "p2") for label in (None, "a", " ")])


def wait_for(conn: psycopg.Connection, query: str, params: tuple, expected,
             timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if conn.execute(query, params).fetchone()[0] == expected:
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {query!r} == {expected!r}")


WAITING_FOR_ADVISORY = """
select count(*) from pg_locks
where locktype = 'advisory' and not granted and database = (
    select oid from pg_database where datname = current_database())
"""


def test_concurrent_dbt_runs_and_cron_refresh_are_serialized(project: Project) -> None:
    seed(project)
    project.dbt_run(BEFORE)
    raw_before = project.raw_rows()
    project.insert([{"project_id": "p3", "event_type": "view",
                     "created_at": ts("2026-03-01 08:30")}])
    project.execute("delete from {schema}.analytics_events where created_at < %s and "
                    "project_id = 'p2'", (ts("2026-03-01 05:00"),))
    holder = connect(autocommit=False)
    lock_schema(holder, project.schema)
    results: list = []
    try:
        runs = [project.start_dbt(AS_OF), project.start_dbt(AS_OF)]
        cron = threading.Thread(target=lambda: results.append(_refresh_in_own_session(project)))
        cron.start()
        # all three are queued behind the lock: none has touched the table yet
        wait_for(project.conn, WAITING_FOR_ADVISORY, (), 3)
    finally:
        holder.rollback()
        holder.close()
    outputs = [p.communicate(timeout=180)[0] for p in runs]
    cron.join(timeout=180)
    assert [p.returncode for p in runs] == [0, 0], "\n".join(outputs)
    assert results and results[0]["as_of"].startswith("2026-03-01T09:05")
    for name, run in results[0].items():
        # (the project daily sets keep the days that have ended: theirs ends at midnight; the
        # weekly sets the weeks: theirs at Monday's, as_of being a Sunday)
        assert not isinstance(run, dict) or run["window_end"].startswith({
            "analytics_events_project_daily_sets": "2026-03-01T00:00",
            "analytics_events_daily_visitor_bands": "2026-03-01T00:00",
            "analytics_events_weekly_visitor_sets": "2026-02-23T00:00"}.get(
                name, "2026-03-01T09:00")), name
    oracle = HourlyOracle()
    oracle.run(raw_before, BEFORE)
    oracle.run(project.raw_rows(), AS_OF)
    assert project.hourly() == oracle.table


def _refresh_in_own_session(project: Project) -> dict:
    with connect() as c:
        return c.execute(
            f'select "{project.schema}".analytics_refresh_aggregates(%s)', (AS_OF,)
        ).fetchone()[0]


def test_run_killed_half_way_leaves_table_as_before(project: Project) -> None:
    seed(project)
    project.dbt_run(BEFORE)
    raw_before = project.raw_rows()
    project.insert([{"project_id": "p9", "event_type": "view",
                     "created_at": ts("2026-03-01 07:30")}])
    project.execute("delete from {schema}.analytics_events where project_id = 'p2'")
    before = project.full_rows()

    # Hold the catalog row of the table: the run blocks in its security post-hook, after its
    # strategy has already rewritten the table inside the run's transaction.
    blocker = connect(autocommit=False)
    blocker.execute(f'grant select on "{project.schema}".analytics_events_hourly_agg to public')
    run = project.start_dbt(AS_OF)
    try:
        _kill_when_blocked(project, run)
    finally:
        blocker.rollback()
        blocker.close()
    _wait_gone(project)
    assert project.full_rows() == before

    # the next run does the work in full
    project.dbt_run(AS_OF)
    oracle = HourlyOracle()
    oracle.run(raw_before, BEFORE)
    oracle.run(project.raw_rows(), AS_OF)
    assert project.hourly() == oracle.table


def _kill_when_blocked(project: Project, run: subprocess.Popen) -> None:
    blocked = """
        select count(*) from pg_stat_activity
        where wait_event_type = 'Lock' and query ilike %s
    """
    wait_for(project.conn, blocked, (f"%{project.schema}%analytics_events_hourly_agg%",), 1)
    # The run has already rewritten the table in its transaction by now: it holds the
    # row-exclusive lock that only its DML takes (its uncommitted changes are invisible to us).
    wrote = """
        select count(*) from pg_locks as l
        inner join pg_stat_activity as a on a.pid = l.pid
        where l.relation = %s::regclass and l.mode = 'RowExclusiveLock'
          and a.wait_event_type = 'Lock'
    """
    wait_for(project.conn, wrote, (f'"{project.schema}".analytics_events_hourly_agg',), 1)
    run.kill()
    run.wait()


def _wait_gone(project: Project) -> None:
    """The killed run's backend has rolled back and left (it noticed its client is gone)."""
    wait_for(project.conn, "select count(*) from pg_stat_activity where query ilike %s "
             "and state <> 'idle' and pid <> pg_backend_pid() "
             "and query not ilike '%%pg_stat_activity%%'",
             (f"%{project.schema}%analytics_events_hourly_agg%",), 0)
