"""Replay a day of hourly runs with a controlled as_of and compare every row after every run with
the Python oracle: late events inside the lookback, an outage of several runs, deletions, NULL
and blank labels, boundary timestamps, and a session time zone of +05:30."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from conftest import Project, ts
from oracle import HourlyOracle

START = ts("2026-03-01 00:00")
HOUR = dt.timedelta(hours=1)
LABELS = [None, "", "   ", "\t", "hero", "Hero", " hero ", "cta", "null"]
OUTAGE = {9, 10, 11, 12, 13}  # no scheduled run at these hours


def events_for_hour(rng: random.Random, hour: dt.datetime, n: int) -> list[dict]:
    rows = []
    for i in range(n):
        offset = dt.timedelta(seconds=rng.randrange(3600), microseconds=rng.randrange(10**6))
        if i == 0:
            offset = dt.timedelta(0)  # xx:00:00.000000
        elif i == 1:
            offset = HOUR - dt.timedelta(microseconds=1)  # xx:59:59.999999
        rows.append({
            "project_id": rng.choice(["p1", "p1", "p1", "p2", "p3"]),
            "visitor_id": rng.choice([None, *[f"v{k}" for k in range(12)]]),
            "session_id": rng.choice([None, *[f"s{k}" for k in range(20)]]),
            "event_type": rng.choice(["impression", "interaction", "widget_visible"]),
            "event_label": rng.choice(LABELS),
            # a mix of offsets: the same instant written in other zones
            "created_at": (hour + offset).astimezone(
                dt.timezone(rng.choice([dt.timedelta(0), dt.timedelta(hours=5, minutes=30),
                                        dt.timedelta(hours=-7)]))),
        })
    return rows


def replay(project: Project, run, check_every_run: bool = True,
           steps: int = 24) -> HourlyOracle:
    rng = random.Random(20260301)
    oracle = HourlyOracle(lookback_hours=2, backfill_days=90)
    # two days of history before the first build
    history = []
    for h in range(-48, 0):
        history += events_for_hour(rng, START + h * HOUR, 6)
    project.insert(history)
    run(START + dt.timedelta(minutes=5))
    oracle.run(project.raw_rows(), START + dt.timedelta(minutes=5))
    assert project.hourly() == oracle.table

    for step in range(1, steps + 1):
        now = START + step * HOUR + dt.timedelta(minutes=5)
        project.insert(events_for_hour(rng, START + (step - 1) * HOUR, 8))
        # late events: one and two hours behind, inside the lookback
        project.insert(events_for_hour(rng, START + (step - 2) * HOUR, 2))
        if step % 6 == 0:
            # a deletion (erasure request) inside the lookback, and a whole group vanishing
            project.execute("delete from {schema}.analytics_events where id in ("
                            " select id from {schema}.analytics_events"
                            " where created_at >= %s and created_at < %s order by id limit 3)",
                            (START + (step - 2) * HOUR, START + (step - 1) * HOUR))
        if step in OUTAGE:
            continue
        run(now)
        oracle.run(project.raw_rows(), now)
        if check_every_run or step == steps:
            assert project.hourly() == oracle.table, f"after the run at {now}"
    return oracle


def test_replay_dbt_runs_in_a_kolkata_session(project: Project) -> None:
    from analytics_db import dbt

    kolkata = {"PGTZ": "Asia/Kolkata"}
    shown = dbt(["show", "--inline", "select current_setting('TimeZone') as tz"],
                project.schema, env=kolkata).stdout
    assert "Asia/Kolkata" in shown  # the runs below really are in a +05:30 session

    def run(as_of: dt.datetime) -> None:
        project.dbt_run(as_of, env=kolkata)

    # through the outage and the catch-up after it (14 hours: 10 dbt runs, each its own
    # process; the whole day runs through the refresh function below)
    oracle = replay(project, run, steps=14)
    # the outage was caught up: hours 8..12 are there although no run happened at 9..13
    hours = {k[3] for k in oracle.table}
    assert all(START + h * HOUR in hours for h in range(8, 13))


def test_replay_refresh_function_matches_oracle(project: Project) -> None:
    project.dbt_run(START - dt.timedelta(days=3), full_refresh=True)  # creates table + function
    project.execute("truncate {schema}.analytics_events_hourly_agg")

    def run(as_of: dt.datetime) -> None:
        project.refresh(as_of)

    replay(project, run)


def test_second_run_with_same_as_of_changes_nothing(project: Project) -> None:
    rng = random.Random(7)
    for h in range(-5, 0):
        project.insert(events_for_hour(rng, START + h * HOUR, 10))
    project.dbt_run(START)
    before = project.full_rows()
    project.dbt_run(START)
    assert project.full_rows() == before  # ids, created_at and updated_at included
    result = project.refresh(START)
    for name, counts in result.items():
        if name != "as_of":
            assert (counts["added"], counts["changed"], counts["removed"]) == (0, 0, 0), name
    assert project.full_rows() == before


def test_updated_at_moves_only_for_changed_rows(project: Project) -> None:
    project.insert([
        {"project_id": "p1", "event_type": "click", "event_label": None, "visitor_id": "a",
         "created_at": ts("2026-03-01 10:10")},
        {"project_id": "p1", "event_type": "click", "event_label": "x", "visitor_id": "a",
         "created_at": ts("2026-03-01 11:10")},
    ])
    project.dbt_run(ts("2026-03-01 12:05"))
    before = {r[1:5]: r for r in project.full_rows()}
    project.insert([{"project_id": "p1", "event_type": "click", "event_label": "  ",
                     "visitor_id": "b", "created_at": ts("2026-03-01 10:20")}])
    project.dbt_run(ts("2026-03-01 12:35"))
    after = {r[1:5]: r for r in project.full_rows()}
    null_key = ("p1", "click", None, ts("2026-03-01 10:00"))
    x_key = ("p1", "click", "x", ts("2026-03-01 11:00"))
    assert after[null_key][5:8] == (2, 2, 0)
    assert after[null_key][0] == before[null_key][0]  # same id
    assert after[null_key][8] == before[null_key][8]  # created_at kept
    assert after[null_key][9] > before[null_key][9]  # updated_at moved
    assert after[x_key] == before[x_key]  # untouched row: not even updated_at


@pytest.mark.parametrize("runner", ["dbt", "function"])
def test_reaggregate_range_touches_only_that_range(project: Project, runner: str) -> None:
    rows = [{"project_id": "p1", "event_type": "click", "event_label": None, "visitor_id": "a",
             "created_at": ts("2026-03-01 00:00") + h * HOUR} for h in range(10)]
    project.insert(rows)
    as_of = ts("2026-03-01 10:05")
    project.dbt_run(as_of)
    # late changes far outside the lookback: hour 2 and hour 5 gain an event
    project.insert([{**rows[2], "visitor_id": "b"}, {**rows[5], "visitor_id": "b"}])
    oracle = HourlyOracle()
    oracle.table = dict(project.hourly())
    oracle.built = True
    start, stop = ts("2026-03-01 01:30"), ts("2026-03-01 03:00")  # hours 1 and 2
    if runner == "dbt":
        project.dbt_run(as_of, reaggregate_from=start.isoformat(),
                        reaggregate_to=stop.isoformat())
    else:
        project.refresh(as_of, **{"from": start, "to": stop})
    oracle.reaggregate(project.raw_rows(), start, stop, as_of)
    assert project.hourly() == oracle.table
    assert project.hourly()[("p1", "click", None, ts("2026-03-01 02:00"))] == (2, 2, 0)
    assert project.hourly()[("p1", "click", None, ts("2026-03-01 05:00"))] == (1, 1, 0)


def test_full_refresh_rebuilds_with_same_indexes(project: Project) -> None:
    project.insert([{"project_id": "p1", "event_type": "click", "event_label": None,
                     "created_at": ts("2026-03-01 10:10")}])
    project.dbt_run(ts("2026-03-01 12:05"))

    def catalog() -> list[tuple]:
        return project.conn.execute(
            "select indexname, indexdef from pg_indexes where schemaname = %s order by 1",
            (project.schema,)).fetchall()

    first = catalog()
    project.dbt_run(ts("2026-03-01 12:05"), full_refresh=True)
    assert catalog() == first
    project.insert([{"project_id": "p1", "event_type": "click", "event_label": "",
                     "created_at": ts("2026-03-01 12:10")}])
    project.dbt_run(ts("2026-03-01 13:05"))
    assert project.hourly() == {
        ("p1", "click", None, ts("2026-03-01 10:00")): (1, 0, 0),
        ("p1", "click", None, ts("2026-03-01 12:00")): (1, 0, 0),
    }
    ids = [r[0] for r in project.full_rows()]
    assert len(set(ids)) == 2


def test_bad_input_fails_early_with_a_clear_message(project: Project) -> None:
    from analytics_db import dbt

    proc = dbt(["run", "-s", "analytics_events_hourly_agg"], project.schema,
               {"as_of": "yesterday"}, check=False)
    assert proc.returncode != 0
    assert "var 'as_of' must be an ISO 8601 timestamp" in proc.stdout
    proc = dbt(["run", "-s", "analytics_events_hourly_agg"], project.schema,
               {"lookback_hours": -1}, check=False)
    assert proc.returncode != 0
    assert "var 'lookback_hours' must be a whole number >= 0" in proc.stdout


def test_missing_created_at_index_stops_with_the_statement_to_run(project: Project) -> None:
    from analytics_db import dbt

    project.execute("drop index {schema}.analytics_events_created_at_idx")
    proc = dbt(["run"], project.schema, {"app_schema": project.schema,
                                         "policy_schema": f"{project.schema}_private"},
               check=False)
    assert proc.returncode != 0
    assert "create index concurrently analytics_events_created_at_idx" in proc.stdout
    project.execute("create index on {schema}.analytics_events (created_at, project_id)")
    project.dbt_run(START)  # any index that starts with created_at will do
