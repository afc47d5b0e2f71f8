"""scripts/analytics_ops.py against the real PostgreSQL with pg_cron preloaded: the real job
firing end to end, registering, unregistering, status exit codes and JSON, clear errors."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time

import psycopg
import pytest
from analytics_db import ROOT, create_raw_table
from analytics_ops import OpsError, _calls_of, dashboard_latency, validate_schedule
from conftest import Project
from oracle import HourlyOracle, hour_of
from psycopg import sql

OPS = [sys.executable, str(ROOT / "scripts" / "analytics_ops.py")]
# pg_cron's job table is one per database (and the purge job has one name): one worker runs these
pytestmark = pytest.mark.xdist_group("pg_cron")
UTC = dt.UTC
DAILY_COLUMNS = ("project_id", "event_type", "event_label", "day_bucket", "event_count",
                 "unique_visitors", "unique_sessions")


def ops(*args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*OPS, *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, check=False)


@pytest.fixture(scope="module", autouse=True)
def needs_pg_cron(conn: psycopg.Connection) -> None:
    if conn.execute("select count(*) from pg_extension where extname = 'pg_cron'"
                    ).fetchone()[0] == 0:
        pytest.skip("pg_cron is not installed in this database (make test's cluster has it)")


def recent_events(now: dt.datetime, hours: int = 8) -> list[dict]:
    start = now - dt.timedelta(hours=hours)
    return [{"project_id": p, "event_type": "impression", "event_label": label,
             "visitor_id": f"v{i % 4}", "session_id": f"s{i}",
             "created_at": start + dt.timedelta(minutes=7 * i)}
            for p in ("proj_a", "proj_c") for label in (None, "hero")
            for i in range(hours * 60 // 7)]


def job_id(conn: psycopg.Connection, name: str) -> int | None:
    row = conn.execute("select jobid from cron.job where jobname = %s", (name,)).fetchone()
    return row[0] if row else None


@pytest.mark.parametrize("schedule", ["5 * * * *", "*/15 2-4 * * 1-5", "0 0 1,15 * *",
                                      "@hourly"])
def test_valid_schedules(schedule: str) -> None:
    assert validate_schedule(schedule, (1, 4)) == schedule


@pytest.mark.parametrize("schedule,message", [
    ("61 * * * *", "outside 0-59 in the minute field"),
    ("5 * * *", "expected 5 fields"),
    ("5 25 * * *", "outside 0-23 in the hour field"),
    ("x * * * *", "is not a number"),
    ("*/0 * * * *", "bad step"),
    ("30 seconds", "need pg_cron 1.5"),
])
def test_bad_schedules(schedule: str, message: str) -> None:
    with pytest.raises(OpsError, match=message):
        validate_schedule(schedule, (1, 4))


def test_cron_job_end_to_end_equals_dbt_run(project: Project, conn: psycopg.Connection) -> None:
    now = dt.datetime.now(UTC)
    project.insert(recent_events(now))
    earlier = now - dt.timedelta(hours=4)
    project.dbt_run(earlier)
    raw_then = project.raw_rows()
    before = project.hourly()
    name = f"test-e2e-{project.schema}"[:60]
    reg = ops("register", "--schema", project.schema, "--job-name", name,
              "--schedule", "* * * * *")
    assert reg.returncode == 0, reg.stderr
    jid = job_id(conn, name)
    try:
        deadline = time.monotonic() + 80
        record = None
        while time.monotonic() < deadline and record is None:
            record = conn.execute(
                "select jobid, runid, status, return_message, start_time, end_time "
                "from cron.job_run_details where jobid = %s and status in "
                "('succeeded', 'failed') order by runid limit 1", (jid,)).fetchone()
            time.sleep(1)
    finally:
        assert ops("unregister", "--schema", project.schema, "--job-name", name).returncode == 0
    assert record is not None, "pg_cron did not run the job within 80 s"
    print("job run record:", record)
    assert record[2] == "succeeded", record
    fired_at = record[4]

    oracle = HourlyOracle()
    oracle.run(raw_then, earlier)
    oracle.run(project.raw_rows(), fired_at)
    assert project.hourly() == oracle.table
    gained = set(project.hourly()) - set(before)
    assert gained and min(k[3] for k in gained) >= hour_of(earlier), "the job added the hours"

    # the same data and time through `dbt run` in a twin schema gives the same table
    twin = Project(conn, project.schema + "_twin")
    create_raw_table(conn, twin.schema)
    try:
        conn.execute(sql.SQL("insert into {}.analytics_events overriding system value "
                             "select * from {}.analytics_events"
                             ).format(twin.ident, project.ident))
        twin.dbt_run(earlier)
        twin.dbt_run(fired_at)
        assert twin.hourly() == project.hourly()
    finally:
        conn.execute(sql.SQL("drop schema {} cascade").format(twin.ident))
        conn.execute(sql.SQL("drop schema if exists {} cascade").format(
            sql.Identifier(twin.schema + "_private")))


def test_register_twice_is_one_job_and_unregister_leaves_others(
        project: Project, conn: psycopg.Connection) -> None:
    project.dbt_run(dt.datetime.now(UTC))
    name = f"test-reg-{project.schema}"[:60]
    other = f"other-{project.schema}"[:60]
    conn.execute("select cron.schedule(%s, '0 0 1 1 *', 'select 1')", (other,))
    try:
        assert ops("register", "--schema", project.schema, "--job-name", name).returncode == 0
        first = job_id(conn, name)
        again = ops("register", "--schema", project.schema, "--job-name", name,
                    "--schedule", "10 * * * *")
        assert again.returncode == 0 and "updated job" in again.stdout
        rows = conn.execute("select jobid, schedule, command from cron.job where jobname = %s",
                            (name,)).fetchall()
        assert len(rows) == 1 and rows[0][0] == first and rows[0][1] == "10 * * * *"
        assert f'"{project.schema}".analytics_refresh_aggregates()' in rows[0][2]
        # a job of the same name that this script did not create is never taken over
        assert ops("register", "--schema", project.schema, "--job-name", other).returncode == 2
        dry = ops("unregister", "--schema", project.schema, "--job-name", name, "--dry-run")
        assert "would remove" in dry.stdout and job_id(conn, name) == first
        assert ops("unregister", "--schema", project.schema, "--job-name", name).returncode == 0
        assert job_id(conn, name) is None
        assert job_id(conn, other) is not None
    finally:
        conn.execute("select cron.unschedule(jobid) from cron.job where jobname in (%s, %s)",
                     (name, other))


def test_purge_history_job(project: Project, conn: psycopg.Connection) -> None:
    project.dbt_run(dt.datetime.now(UTC))
    name = f"test-purge-{project.schema}"[:60]
    try:
        reg = ops("register", "--schema", project.schema, "--job-name", name,
                  "--schedule", "0 0 1 1 *", "--purge-history-days", "7")
        assert reg.returncode == 0, reg.stderr
        command = conn.execute("select command from cron.job where jobname = "
                               "'purge-cron-job-run-details'").fetchone()[0]
        jid = job_id(conn, name)
        conn.execute("insert into cron.job_run_details (jobid, runid, job_pid, database, "
                     "username, command, status, return_message, start_time, end_time) values "
                     "(%s, -101, 0, 'x', 'x', 'x', 'succeeded', '1', now() - interval '9 days', "
                     "now() - interval '9 days'), (%s, -102, 0, 'x', 'x', 'x', 'succeeded', '1', "
                     "now() - interval '2 days', now() - interval '2 days')", (jid, jid))
        conn.execute(command)  # what the purge job runs
        left = conn.execute("select runid from cron.job_run_details where runid in (-101, -102)"
                            ).fetchall()
        assert left == [(-102,)]
    finally:
        conn.execute("delete from cron.job_run_details where runid in (-101, -102)")
        ops("unregister", "--schema", project.schema, "--job-name", name)
    assert conn.execute("select count(*) from cron.job where jobname = "
                        "'purge-cron-job-run-details'").fetchone()[0] == 0


def fake_runs(conn: psycopg.Connection, jid: int, statuses: list[str]) -> None:
    """Run records as pg_cron writes them, newest last; their run ids are negative and the job's
    own (-1000 * jobid - i), so no other test's records can take them (a CI run under three
    workers once found -1000 taken)."""
    now = dt.datetime.now(UTC)
    for i, status in enumerate(statuses):
        start = now - dt.timedelta(hours=len(statuses) - i)
        conn.execute(
            "insert into cron.job_run_details (jobid, runid, job_pid, database, username, "
            "command, status, return_message, start_time, end_time) values "
            "(%s, -1000 * %s - %s, 0, current_database(), current_user, 'x', %s, %s, %s, %s)",
            (jid, jid, i, status, "ERROR: boom" if status == "failed" else "1 row", start,
             start + dt.timedelta(seconds=2)))


@pytest.mark.parametrize("case", ["healthy", "three_failures", "stale"])
def test_status_exit_codes_and_json(project: Project, conn: psycopg.Connection,
                                    case: str) -> None:
    now = dt.datetime.now(UTC)
    project.insert(recent_events(now, hours=10))
    project.dbt_run(now - dt.timedelta(hours=6) if case == "stale" else now)
    name = f"test-status-{project.schema}"[:60]
    assert ops("register", "--schema", project.schema, "--job-name", name,
               "--schedule", "0 0 1 1 *").returncode == 0
    jid = job_id(conn, name)
    try:
        fake_runs(conn, jid, ["failed", "succeeded", "failed", "failed", "failed"]
                  if case == "three_failures" else ["failed", "succeeded", "succeeded"])
        res = ops("status", "--schema", project.schema, "--source-schema", project.schema,
                  "--job-name", name, "--json")
        report = json.loads(res.stdout)
        text = ops("status", "--schema", project.schema, "--source-schema", project.schema,
                   "--job-name", name)
    finally:
        conn.execute("delete from cron.job_run_details where jobid = %s", (jid,))
        ops("unregister", "--schema", project.schema, "--job-name", name)
    assert report["registered"] and report["schedule"] == "0 0 1 1 *"
    if case == "healthy":
        assert res.returncode == 0 and report["healthy"], report
        assert report["consecutive_failures"] == 0
        assert report["success_rate"] == pytest.approx(2 / 3)
        assert report["lag_hours"] < 2.1
        assert "HEALTHY" in text.stdout and text.returncode == 0
    elif case == "three_failures":
        assert res.returncode == 1 and not report["healthy"]
        assert report["consecutive_failures"] == 3
        assert report["last_success"] is not None
        assert any("3 failed runs in a row" in p for p in report["problems"])
        assert "UNHEALTHY" in text.stdout and text.returncode == 1
    else:
        assert res.returncode == 1 and not report["healthy"]
        assert report["lag_hours"] > 6 and report["unaggregated_events_waiting"]
        assert any("no new hour" in p for p in report["problems"])


def test_status_reports_dashboard_latency_and_sizes(project: Project,
                                                   conn: psycopg.Connection) -> None:
    """The plan's last alert, dashboard queries over 500 ms, from pg_stat_statements (which
    `make test`'s cluster preloads, as Supabase does), and each aggregate's size and rows beside
    the raw table's. A dashboard statement that takes 600 ms makes status unhealthy."""
    found = conn.execute("select extnamespace::regnamespace::text from pg_extension "
                         "where extname = 'pg_stat_statements'").fetchone()
    if found is None:
        pytest.skip("pg_stat_statements is not installed here (make test's PostgreSQL 15 "
                    "cluster preloads it)")
    # Emptied first: a full pg_stat_statements evicts its least-used statements, this test's
    # few calls among them (a CI run failed so: every test schema's DDL is a statement). The
    # cluster of make test keeps 20,000 (scripts/local_pg.sh), more than the other workers
    # make while this test runs.
    conn.execute(sql.SQL("select {}.pg_stat_statements_reset()").format(sql.Identifier(found[0])))
    now = dt.datetime.now(UTC)
    project.insert(recent_events(now, hours=10))
    project.dbt_run(now)
    name = f"test-latency-{project.schema}"[:60]
    assert ops("register", "--schema", project.schema, "--job-name", name,
               "--schedule", "0 0 1 1 *").returncode == 0
    kpi = sql.SQL("select {}* from {}.analytics_kpi_totals('proj_a', %s, %s)")
    try:
        for _ in range(3):
            conn.execute(kpi.format(sql.SQL(""), project.ident), (now - dt.timedelta(days=1), now))
        fast = ops("status", "--schema", project.schema, "--job-name", name, "--json")
        text = ops("status", "--schema", project.schema, "--job-name", name)
        # the same function in a statement that takes 1.2 s: the mean of the six calls passes
        # 500 ms
        for _ in range(3):
            conn.execute(kpi.format(sql.SQL("pg_sleep(1.2), "), project.ident),
                         (now - dt.timedelta(days=1), now))
        slow = ops("status", "--schema", project.schema, "--job-name", name, "--json")
        lenient = ops("status", "--schema", project.schema, "--job-name", name, "--json",
                      "--max-dashboard-ms", "5000")
    finally:
        ops("unregister", "--schema", project.schema, "--job-name", name)
    report = json.loads(fast.stdout)
    assert fast.returncode == 0 and report["healthy"], report
    assert report["dashboard_latency"]["note"] is None, report  # nothing evicted since the reset
    functions = report["dashboard_latency"]["functions"]
    assert functions["analytics_kpi_totals"]["calls"] == 3
    assert 0 < functions["analytics_kpi_totals"]["mean_ms"] < 500
    assert functions["analytics_label_performance"]["calls"] == 0  # not called in this schema
    sizes = report["aggregates"]
    assert set(sizes["tables"]) >= {"analytics_events_hourly_agg", "analytics_events_daily_sets"}
    hourly = sizes["tables"]["analytics_events_hourly_agg"]
    rows = project.conn.execute(sql.SQL("select count(*) from {}.analytics_events_hourly_agg"
                                        ).format(project.ident)).fetchone()[0]
    assert hourly["total_bytes"] > hourly["index_bytes"] > 0
    assert hourly["inserted"] == rows  # one build: every row written once
    assert sizes["raw"]["inserted"] == len(recent_events(now, hours=10))
    assert sizes["aggregates_to_raw"] > 0
    assert "analytics_kpi_totals" in text.stdout and "aggregates / raw" in text.stdout
    report = json.loads(slow.stdout)
    assert slow.returncode == 1 and not report["healthy"]
    assert any(p.startswith("analytics_kpi_totals takes") and "alert above 500 ms" in p
               for p in report["problems"]), report["problems"]
    assert lenient.returncode == 0, lenient.stdout


def test_dashboard_calls_are_matched_by_schema() -> None:
    calls = _calls_of("t_a", "analytics_kpi_totals")
    assert calls.search('select * from "t_a".analytics_kpi_totals($1, $2, $3)')
    assert calls.search('SELECT "t_a"."analytics_kpi_totals"("p_project_id" := $1)')
    assert calls.search("select * from analytics_kpi_totals($1, $2, $3)")  # search_path
    for other in ('select * from "t_b".analytics_kpi_totals($1)',
                  "select * from t_ab.analytics_kpi_totals($1)",
                  "select * from t_a.analytics_kpi_totals_v2($1)",
                  "select my_analytics_kpi_totals($1)",
                  'create or replace function "t_a".analytics_kpi_totals(p text)',
                  'grant execute on function "t_a".analytics_kpi_totals(text) to x'):
        assert not calls.search(other), other


def test_status_without_pg_stat_statements_says_so(conn: psycopg.Connection) -> None:
    if not conn.execute("select 1 from pg_database where datname = 'analytics_nostats'"
                        ).fetchone():
        conn.execute("create database analytics_nostats")
    with psycopg.connect("", dbname="analytics_nostats", autocommit=True) as other:
        latency = dashboard_latency(other, "public")
    assert latency["functions"] is None
    assert "create extension pg_stat_statements" in latency["note"]


def test_clear_errors(project: Project, conn: psycopg.Connection) -> None:
    # no function deployed in this schema yet
    res = ops("register", "--schema", project.schema)
    assert res.returncode == 2 and "does not exist: run `dbt build`" in res.stderr
    res = ops("register", "--schema", project.schema, "--schedule", "5 * * *")
    assert res.returncode == 2 and "expected 5 fields" in res.stderr
    # a database pg_cron does not serve
    if not conn.execute("select 1 from pg_database where datname = 'analytics_nocron'"
                        ).fetchone():
        conn.execute("create database analytics_nocron")
    res = ops("register", env={"PGDATABASE": "analytics_nocron"})
    assert res.returncode == 2
    assert "pg_cron serves the database" in res.stderr or "not installed" in res.stderr
    res = ops("status", env={"PGDATABASE": "analytics_nocron"})
    assert res.returncode == 2


def test_prune_hourly_removes_only_rows_the_daily_rollup_covers(project: Project,
                                                                conn: psycopg.Connection) -> None:
    now = dt.datetime.now(UTC)
    start = hour_of(now) - dt.timedelta(days=10)
    project.insert([{"project_id": "p1", "event_type": "click", "event_label": label,
                     "visitor_id": f"v{h % 3}", "created_at": start + h * dt.timedelta(hours=1)}
                    for h in range(240) for label in (None, "x")])
    project.dbt_run(now)
    # an hourly row whose day the daily rollup does not hold must survive
    conn.execute(sql.SQL("delete from {}.analytics_events_daily_agg where day_bucket = %s "
                         "and event_label = 'x'").format(project.ident),
                 (dt.datetime.combine((start + dt.timedelta(days=2)).date(), dt.time(),
                                      tzinfo=UTC),))
    daily_before = project.table_rows("analytics_events_daily_agg", DAILY_COLUMNS)
    cutoff = dt.datetime.combine((now - dt.timedelta(days=3)).date(), dt.time(), tzinfo=UTC)
    hourly_before = project.hourly()
    dry = ops("prune-hourly", "--schema", project.schema, "--older-than-days", "3", "--dry-run")
    assert dry.returncode == 0 and "would delete" in dry.stdout
    assert project.hourly() == hourly_before
    res = ops("prune-hourly", "--schema", project.schema, "--older-than-days", "3")
    assert res.returncode == 0, res.stderr
    after = project.hourly()
    orphan_day = dt.datetime.combine((start + dt.timedelta(days=2)).date(), dt.time(), tzinfo=UTC)
    expected = {k: v for k, v in hourly_before.items()
                if k[3] >= cutoff or (k[2] == "x" and orphan_day <= k[3] < orphan_day
                                      + dt.timedelta(days=1))}
    assert after == expected and len(after) < len(hourly_before)
    assert project.table_rows("analytics_events_daily_agg", DAILY_COLUMNS) == daily_before
