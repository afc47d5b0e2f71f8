"""Tests that guard the query plans, not the clock: the incremental window reads raw rows
through the created_at index, and the dashboard's queries use the aggregates' indexes."""

from __future__ import annotations

import datetime as dt

import pytest
from analytics_db import dbt
from bench_measure import can_load_auto_explain, nested_plans
from conftest import Project, ts
from psycopg import sql

AS_OF = ts("2026-03-20 12:05")


def bulk(project: Project) -> None:
    """20 days of raw events (enough that a sequential scan would lose) and the aggregates."""
    project.execute("""
        insert into {schema}.analytics_events (project_id, visitor_id, session_id, event_type,
            event_label, created_at)
        select 'p' || (g % 50), 'v' || (g % 977), 's' || (g % 3001),
            (array['impression', 'interaction'])[1 + g % 2], 'l' || (g % 7),
            timestamptz '2026-03-01' + make_interval(secs => g * 8.64)
        from generate_series(0, 199999) as g
    """)
    project.execute("analyze {schema}.analytics_events")
    project.dbt_run(AS_OF)
    for table in ("analytics_events_hourly_agg", "analytics_events_daily_agg",
                  "analytics_events_project_hourly_sets", "analytics_events_project_daily_sets",
                  "analytics_events_daily_sets", "analytics_events_weekly_visitor_sets",
                  "analytics_events_daily_visitor_bands"):
        # vacuum as autovacuum would: the visibility map makes index-only scans pay
        project.execute("vacuum (analyze) {schema}." + table)


def explain(project: Project, query: str, params=None) -> str:
    rows = project.conn.execute(sql.SQL("explain " + query).format(schema=project.ident),
                                params).fetchall()
    return "\n".join(r[0] for r in rows)


def test_incremental_window_reads_raw_through_created_at_index(project: Project) -> None:
    bulk(project)
    # the exact SQL an incremental run executes: compile the model in incremental mode
    # the slices are the only model that reads the raw events
    compiled = dbt(["compile", "--select", "analytics_events_hourly_slices"], project.schema,
                   {"as_of": AS_OF.isoformat(), "app_schema": project.schema,
                    "policy_schema": f"{project.schema}_private"}).stdout
    body = compiled[compiled.index("with events as"):]
    body = body[:body.index("select * from final") + len("select * from final")]
    plan = explain(project, body.replace("{", "{{").replace("}", "}}"))
    assert "analytics_events_created_at_idx" in plan, plan
    assert "Seq Scan on analytics_events " not in plan, plan


def test_dashboard_queries_use_the_aggregate_indexes(project: Project) -> None:
    bulk(project)
    since = AS_OF - dt.timedelta(days=1)
    hourly = explain(project, "select hour_bucket, sum(event_count) from "
                     "{schema}.analytics_events_hourly_agg where project_id = 'p1' and "
                     "hour_bucket >= %s group by 1", (since,))
    assert "idx_events_hourly_project_hour" in hourly, hourly
    daily = explain(project, "select day_bucket, event_type, sum(event_count) from "
                    "{schema}.analytics_events_daily_agg where project_id = 'p1' and "
                    "day_bucket >= %s group by 1, 2", (since - dt.timedelta(days=9),))
    assert "idx_events_daily_project_day" in daily, daily
    # the KPI function as the API calls it: auto_explain shows the plan of its statement
    if not can_load_auto_explain(project.conn):
        pytest.skip("this role may not LOAD auto_explain (superuser-only, e.g. on Supabase): "
                    "the plan of the KPI function's statement is not checked")
    kpi = "\n".join(nested_plans(project.conn, sql.SQL(
        "select * from {}.analytics_kpi_totals('p1', %s, %s)").format(project.ident),
        (since - dt.timedelta(days=9, hours=5), AS_OF)))
    assert "analytics_events_project_daily_sets_grain_key" in kpi, kpi
    assert "analytics_events_project_hourly_sets_grain_key" in kpi, kpi
    assert "Seq Scan" not in kpi, kpi
    # label performance over two whole ISO weeks (2026-03-02 and 03-09) and edge days: the
    # weekly visitor sets and the daily sets through their indexes
    labels = "\n".join(nested_plans(project.conn, sql.SQL(
        "select * from {}.analytics_label_performance('p1', %s, %s, 'impression')").format(
            project.ident), (ts("2026-02-28 00:00"), ts("2026-03-19 00:00"))))
    assert "idx_events_weekly_visitor_sets_project_type_week" in labels, labels
    assert "analytics_events_daily_visitor_bands_grain_key" in labels, labels
    assert "Seq Scan" not in labels, labels


def test_source_freshness_runs(project: Project) -> None:
    project.insert([{"project_id": "p1", "event_type": "x",
                     "created_at": dt.datetime.now(dt.UTC)}])
    out = dbt(["source", "freshness"], project.schema, check=False)
    assert out.returncode == 0, out.stdout
    assert "PASS freshness of app.analytics_events" in out.stdout.replace("  ", " ") or \
        "freshness of app.analytics_events" in out.stdout


def test_refresh_statements_are_never_jit_compiled(project: Project) -> None:
    # with jit_above_cost 0 every statement of the session would be compiled; the pg_cron
    # function and the dbt models turn JIT off for their own statements (their window's bounds
    # are InitPlans, so the planner's cost grows with the table, and compiling cost more than
    # the statement)
    if not can_load_auto_explain(project.conn):
        pytest.skip("this role may not LOAD auto_explain (superuser-only, e.g. on Supabase)")
    if not project.conn.execute("select pg_jit_available()").fetchone()[0]:
        pytest.skip("this server has no JIT provider: nothing to turn off")
    bulk(project)
    project.conn.execute("set jit_above_cost = 0")
    try:
        control = "\n".join(nested_plans(project.conn, sql.SQL(
            "select count(*) from {}.analytics_events_hourly_agg").format(project.ident)))
        assert "JIT:" in control, control  # the session would compile
        # the statements inside the function (nested_plans leaves the outer call out)
        inner = nested_plans(project.conn, sql.SQL(
            "select {}.analytics_refresh_aggregates(%s)").format(project.ident),
            (AS_OF + dt.timedelta(hours=1),))
        assert len(inner) > 10, inner
        assert not [p for p in inner if "JIT:" in p], [p for p in inner if "JIT:" in p][:1]
    finally:
        project.conn.execute("reset jit_above_cost")


def test_out_of_line_values_compress_with_lz4_and_the_caller_keeps_its_setting(
        project: Project) -> None:
    # a row over 2 kB has its largest values compressed until it fits: a label-day of 300
    # visitors and sessions (two 1.2 kB sets of sorted ids, which neither method compresses)
    # with a 1,000-byte label (which both do, the largest value). Where the server has lz4, a
    # first build writes through it (each model's pre-hook, analytics_temp_compression_sql),
    # and so do the refresh function's temp tables, whose compressed values a new row keeps;
    # the function restores the caller's setting when it returns
    if not project.conn.execute(
            "select 'lz4' = any(enumvals) from pg_settings "
            "where name = 'default_toast_compression'").fetchone()[0]:
        pytest.skip("this server was built without lz4: pglz stays, nothing to check")
    day = ts("2026-03-19 00:00")

    def label_day(letter: str, start: dt.datetime) -> None:
        # 300 visitors and sessions, one event each, from `start` on, under a 1,000-byte label
        project.execute("""
            insert into {schema}.analytics_events (project_id, visitor_id, session_id,
                event_type, event_label, created_at)
            select 'p1', 'v' || g, 's' || g, 'impression', repeat(%s, 1000),
                %s::timestamptz + make_interval(secs => g)
            from generate_series(1, 300) as g
        """, (letter, start))

    label_day("a", ts("2026-03-19 10:00"))
    project.dbt_run(AS_OF)
    # a label the first build did not see, in the hour the next run aggregates
    label_day("b", ts("2026-03-20 12:00"))
    with project.conn.transaction():
        project.conn.execute("set local default_toast_compression = 'pglz'")
        project.conn.execute(sql.SQL("select {}.analytics_refresh_aggregates(%s)").format(
            project.ident), (AS_OF + dt.timedelta(hours=1),))
        after = project.conn.execute("show default_toast_compression").fetchone()[0]
    assert after == "pglz", after
    rows = project.conn.execute(sql.SQL("""
        select day_bucket, left(event_label, 1), pg_column_compression(event_label),
            pg_column_compression(session_keys), cardinality(session_keys)
        from {}.analytics_events_daily_sets
        order by day_bucket""").format(project.ident)).fetchall()
    assert rows == [(day, "a", "lz4", None, 300),
                    (day + dt.timedelta(days=1), "b", "lz4", None, 300)], rows
