"""Bad input: no row or var may stop the aggregation or silently corrupt it. Each test
reproduces one case of README › Bad input and operator mistakes against the real PostgreSQL,
and compares with the plain-Python oracle where numbers are involved: any value of any length,
future and ancient rows, a malformed or future as_of, an old scheduler slot, a changed rollup
zone, a failed start check."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from analytics_db import dbt
from conftest import Project, ts
from hostile_rows import event, history, noise, warnings
from psycopg import sql
from test_rollups import check_all

HOUR = dt.timedelta(hours=1)
AS_OF = ts("2026-03-05 12:05")


# --- 1, 3, 4: any value in any column --------------------------------------------------------
def test_any_value_of_any_length_is_aggregated_or_counted(project: Project) -> None:
    """3 KB and 10 KB random values in every text column, one long label twice and another sharing
    its first 200 characters, multi-byte values, empty and whitespace values: the run goes on,
    the numbers equal the oracle's and both warn tests count what was left out or altered."""
    history(project, days=3)
    project.dbt_run(ts("2026-03-03 12:05"))
    hostile = []
    for size in (3_000, 10_000):
        for column in ("project_id", "visitor_id", "session_id", "event_type", "event_label"):
            hostile.append(event("2026-03-03 12:30", **{column: noise(size)}))
    # the same long label twice and a second one sharing its first 200 characters: distinct
    long_label = noise(1_500)
    hostile += [event("2026-03-03 12:40", event_label=long_label),
                event("2026-03-03 12:41", event_label=long_label, visitor_id="v9"),
                event("2026-03-03 12:42", event_label=long_label[:200] + noise(1_000))]
    # multi-byte characters: the limits are bytes
    hostile.append(event("2026-03-03 12:43", event_label="é" * 600, visitor_id="ü" * 150))
    # empty strings and whitespace mean missing
    hostile += [event("2026-03-03 12:50", project_id=""), event("2026-03-03 12:51",
                event_type=" "), event("2026-03-03 12:52", visitor_id="", session_id="\t")]
    project.insert(hostile)
    # implausible times: before 2000, in the future, infinity both ways
    project.insert([event("1970-01-01 00:00"), event("2100-01-01 00:00")])
    project.execute("insert into {schema}.analytics_events (project_id, event_type, created_at) "
                    "values ('p1', 'impression', 'infinity'), ('p1', 'impression', '-infinity')")

    as_of = ts("2026-03-03 14:05")
    project.dbt_run(as_of)  # once failed: index row size exceeds btree maximum 2704
    check_all(project, as_of, "UTC")
    project.refresh(as_of + HOUR)  # the pg_cron path reads the same rows
    check_all(project, as_of + HOUR, "UTC")
    # left out: 2 long project ids, 2 long types, a blank project, a blank type, 4 times
    assert warnings(project, "analytics_events_unaggregatable_rows") == 10
    # aggregated with a changed value: 4 long ids, 2 + 3 long labels, the multi-byte row,
    # the blank visitor
    assert warnings(project, "analytics_events_altered_values") == 11
    # a visitor with a blank id is an event, not a visitor
    hour = project.conn.execute(sql.SQL(
        "select event_count, unique_visitors from {}.analytics_events_hourly_type_agg "
        "where hour_bucket = %s and project_id = 'p1'").format(project.ident),
        (ts("2026-03-03 12:00"),)).fetchone()
    assert hour[1] < hour[0]
    # nothing after as_of is stored or shown: the live view stops at now()
    future = project.conn.execute(sql.SQL(
        "select count(*) from {}.analytics_events_hourly_live where hour_bucket > now()"
    ).format(project.ident)).fetchone()[0]
    assert future == 0


def test_future_rows_do_not_make_a_stalled_source_look_fresh(project: Project) -> None:
    """A stalled source with a row dated 2100 and one at infinity: `dbt source freshness` still
    says ERROR STALE, counting plausible times only."""
    project.insert([event(dt.datetime.now(dt.UTC) - dt.timedelta(days=3)),
                    event("2100-01-01 00:00")])
    project.execute("insert into {schema}.analytics_events (project_id, event_type, created_at) "
                    "values ('p1', 'impression', 'infinity')")
    out = dbt(["source", "freshness"], project.schema, check=False)
    assert out.returncode != 0 and "ERROR STALE" in out.stdout, out.stdout


def test_as_of_in_the_future_or_malformed_is_refused(project: Project) -> None:
    """A future, impossible or non-string as_of stops dbt before any model is built, with the var
    named; the refresh function refuses a future p_as_of, the dashboard functions an infinite
    range."""
    history(project, days=1)
    future = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    for value, message in [
        (future.isoformat(), "is in the future"),
        ("2026-13-45", "var 'as_of' must be an ISO 8601 timestamp"),
        (12345, "var 'as_of' must be an ISO 8601 timestamp"),
        ("2026-02-30T10:00:00Z", "no such date"),
    ]:
        out = dbt(["run"], project.schema, {"as_of": value, "app_schema": project.schema,
                                             "policy_schema": f"{project.schema}_private"},
                  check=False)
        assert out.returncode != 0 and message in out.stdout, (value, out.stdout[-2000:])
    assert project.conn.execute("select to_regclass(%s)", (
        f'"{project.schema}".analytics_events_hourly_agg',)).fetchone()[0] is None
    project.dbt_run(ts("2026-03-01 12:05"))
    with pytest.raises(psycopg.errors.RaiseException, match="p_as_of must be a finite time"):
        project.refresh(future)
    with pytest.raises(psycopg.errors.RaiseException, match="p_from and p_to must be finite"):
        project.conn.execute(sql.SQL("select * from {}.analytics_event_series('p1', "
                                     "'-infinity', 'infinity')").format(project.ident))


# --- 2: re-running an old slot ----------------------------------------------------------------
@pytest.mark.parametrize("runner", ["dbt", "function"])
def test_an_old_as_of_never_shrinks_what_a_later_run_stored(project: Project,
                                                          runner: str) -> None:
    """Yesterday's 10:00 slot re-run after today's runs, through dbt and through the function:
    hours are rebuilt, but no day or week is cut back to that as_of."""
    history(project)
    project.dbt_run(AS_OF)
    check_all(project, AS_OF, "UTC")
    old_slot = ts("2026-03-04 10:05")  # yesterday's 10:00 slot, re-run by a scheduler
    if runner == "dbt":
        project.dbt_run(old_slot)
    else:
        project.refresh(old_slot)
    check_all(project, AS_OF, "UTC")  # nothing shrank (once: the day cut to 10:00)
    later = AS_OF + HOUR
    project.refresh(later) if runner == "function" else project.dbt_run(later)
    check_all(project, later, "UTC")


# --- 7: the rollup zone -----------------------------------------------------------------------
def test_changing_the_rollup_zone_is_refused_until_rebuilt(project: Project) -> None:
    """A run in another rollup_time_zone than the schema was built in stops (dbt and the function
    it re-created), leaving the rollups as they were, until --full-refresh rebuilds them."""
    history(project, days=2)
    project.dbt_run(ts("2026-03-02 12:05"))
    daily = ("project_id", "event_type", "event_label", "day_bucket", "event_count")
    before = project.table_rows("analytics_events_daily_agg", daily)
    out = dbt(["run"], project.schema, {"as_of": "2026-03-02T13:05:00Z",
                                         "rollup_time_zone": "Asia/Kolkata",
                                         "app_schema": project.schema,
                                         "policy_schema": f"{project.schema}_private"},
              check=False)
    assert out.returncode != 0 and "built with rollup_time_zone UTC" in out.stdout, out.stdout
    assert "--full-refresh" in out.stdout
    assert project.table_rows("analytics_events_daily_agg", daily) == before
    # the function the failed run re-created (Kolkata) refuses too
    with pytest.raises(psycopg.errors.RaiseException, match="rollup_time_zone"):
        project.refresh(ts("2026-03-02 13:05"))
    project.dbt_run(ts("2026-03-02 13:05"), full_refresh=True, rollup_time_zone="Asia/Kolkata")
    check_all(project, ts("2026-03-02 13:05"), "Asia/Kolkata")
    project.refresh(ts("2026-03-02 14:05"))
    check_all(project, ts("2026-03-02 14:05"), "Asia/Kolkata")


# --- 6: checks stop the run -------------------------------------------------------------------
def test_a_missing_raw_index_stops_the_run_before_any_model(project: Project) -> None:
    """A failed on-run-start check (here: no index on created_at) builds no model at all."""
    history(project, days=1)
    project.execute("drop index {schema}.analytics_events_created_at_idx")
    out = dbt(["run"], project.schema, {"as_of": "2026-03-01T12:05:00Z",
                                         "app_schema": project.schema,
                                         "policy_schema": f"{project.schema}_private"},
              check=False)
    assert out.returncode != 0 and "no index starting with created_at" in out.stdout
    built = project.conn.execute(
        "select count(*) from pg_class where relnamespace = %s::regnamespace "
        "and relkind in ('r', 'v') and relname like 'analytics_%%' "
        "and relname <> 'analytics_events'", (project.schema,)).fetchone()[0]
    assert built == 0, "a model ran after the check failed"
