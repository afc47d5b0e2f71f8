"""track_late_changes: changes to old events are re-aggregated by the next run, at any lateness,
through dbt and through the pg_cron function; marks written during a run are never lost."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from analytics_db import ROOT, connect
from conftest import Project, member_space_sql, ts
from oracle import digest, key_sets, truth
from psycopg import sql

HOUR = dt.timedelta(hours=1)
TABLES = {"analytics_events_hourly_agg": "hour", "analytics_events_daily_agg": "day",
          "analytics_events_weekly_agg": "week"}
# per type, every label together
TYPE_TABLES = {"hour": "analytics_events_hourly_type_agg", "day": "analytics_events_daily_type_agg",
               "week": "analytics_events_weekly_type_agg"}
ON = {"track_late_changes": True}


def event(at: str, visitor: str = "v1", label: str | None = "hero", project: str = "p1") -> dict:
    return {"project_id": project, "event_type": "impression", "event_label": label,
            "visitor_id": visitor, "session_id": f"s-{visitor}", "created_at": ts(at)}


def tables(p: Project) -> dict:
    out = {}
    for name, grain in TABLES.items():
        rows = p.table_rows(name, ("project_id", "event_type", "event_label", f"{grain}_bucket",
                                   "event_count", "unique_visitors", "unique_sessions"))
        out[name] = {r[:4]: r[4:] for r in rows}
    for grain, name in TYPE_TABLES.items():
        out[f"{grain}_type"] = {(r[0], r[1], None, r[2]): r[3:] for r in p.table_rows(
            name, ("project_id", "event_type", f"{grain}_bucket", "event_count",
                   "unique_visitors", "unique_sessions"))}
    # what the exact KPI reads for whole days
    out["project_daily_sets"] = {r[:2]: (r[2], list(r[3]), list(r[4])) for r in p.table_rows(
        "analytics_events_project_daily_sets",
        ("project_id", "utc_day_bucket", "event_count", "visitor_keys", "session_keys"))}
    # what label performance reads for whole weeks: visitors only, the weeks that have ended
    out["weekly_sets"] = {r[:4]: (r[4], list(r[5])) for r in p.table_rows(
        "analytics_events_weekly_visitor_sets", ("project_id", "event_type", "event_label",
                                                 "week_bucket", "event_count", "visitor_keys"))}
    return out


def expected(p: Project, as_of: dt.datetime) -> dict:
    return expected_from(p.raw_rows(), as_of)


def expected_from(raw: list[dict], as_of: dt.datetime) -> dict:
    return {**{name: truth(raw, as_of, grain) for name, grain in TABLES.items()},
            **{f"{grain}_type": truth([{**r, "event_label": None} for r in raw], as_of, grain)
               for grain in TYPE_TABLES},
            "project_daily_sets": key_sets(raw, as_of, "day", dims=("project_id",),
                                           closed=True),
            "weekly_sets": {k: v[:2] for k, v in key_sets(raw, as_of, "week",
                                                          closed=True).items()}}


def pending(p: Project) -> int:
    """Marks not yet processed: the application's log and the runs' per-aggregate hours."""
    return p.conn.execute(sql.SQL(
        "select (select count(*) from {s}.analytics_pending_hours) "
        "+ (select count(*) from {s}.analytics_change_log)").format(s=p.ident)).fetchone()[0]


def waiting(p: Project) -> set[tuple[str, dt.datetime]]:
    """The per-aggregate hours still pending (target, hour)."""
    return set(p.conn.execute(sql.SQL("select target, hour_bucket from {}.analytics_pending_hours")
                              .format(p.ident)).fetchall())


def for_the_week(*hours: str) -> set[tuple[str, dt.datetime]]:
    """Marks in a week that has not ended wait for the weekly visitor sets, which build a week
    once, when it has ended; every other model has processed them."""
    return {("analytics_events_weekly_visitor_sets", ts(h)) for h in hours}


def history(p: Project) -> None:
    p.insert([event(f"2026-03-0{d} {h:02d}:20", visitor=f"v{h % 5}") for d in (1, 2, 3, 4, 5)
              for h in range(0, 24, 3)])


@pytest.mark.parametrize("runner", ["dbt", "function"])
def test_late_changes_are_exact_after_the_next_run(project: Project, runner: str) -> None:
    history(project)
    as_of = ts("2026-03-05 12:05")
    project.dbt_run(as_of, **ON)

    def run(at: dt.datetime) -> None:
        if runner == "dbt":
            project.dbt_run(at, **ON)
        else:
            project.refresh(at)

    # 30 hours late, in a new group and in an existing one
    project.insert([event("2026-03-04 06:40", visitor="offline", label="late"),
                    event("2026-03-04 03:10", visitor="offline")])
    # an UPDATE that moves an event to another hour (and day, and week)
    project.execute("update {schema}.analytics_events set created_at = %s where id = "
                    "(select min(id) from {schema}.analytics_events where created_at >= %s)",
                    (ts("2026-03-01 23:59:59.999999"), ts("2026-03-03 09:00")))
    # an erasure of 3-day-old events
    project.execute("delete from {schema}.analytics_events where visitor_id = 'v2' and "
                    "created_at < %s", (ts("2026-03-02 12:00"),))
    assert pending(project) > 0
    at = ts("2026-03-05 13:05")
    run(at)
    assert tables(project) == expected(project, at)
    # the week of 03-02 is open: its three changed hours (the moved event's old one) wait
    assert waiting(project) == for_the_week("2026-03-03 09:00", "2026-03-04 03:00",
                                            "2026-03-04 06:00")
    assert pending(project) == 3
    # without tracking, the same kind of change would have stayed wrong: prove the test can fail
    project.execute("alter table {schema}.analytics_events disable trigger user")
    project.insert([event("2026-03-02 02:00", visitor="ghost")])
    project.execute("alter table {schema}.analytics_events enable trigger user")
    run(ts("2026-03-05 14:05"))
    assert tables(project) != expected(project, ts("2026-03-05 14:05"))


def member_ids(p: Project, *ids: str) -> dict[tuple[str, str], int]:
    """{(kind, id): member id} of the dictionary rows of these visitor / session ids."""
    # the kind of a row's space: the counters' project and kind whose space it is
    return {(kind, name): member for kind, name, member in p.conn.execute(sql.SQL(
        "select c.kind::text, i.name, d.member_id "
        "from unnest(%s::text[], %s::uuid[]) as i (name, member_key) "
        "join {s}.analytics_member_ids as d on d.member_key = i.member_key "
        "join {s}.analytics_member_counters as c on d.member_space = "
        "case c.kind when 'v' then {v} else {s_} end").format(
            s=p.ident, v=member_space_sql(sql.SQL("c.project_id"), "v"),
            s_=member_space_sql(sql.SQL("c.project_id"), "s")),
        (list(ids), [digest(name) for name in ids])).fetchall()}


@pytest.mark.parametrize("runner", ["dbt", "function"])
def test_a_marked_hour_is_sliced_again_whatever_its_sums(project: Project, runner: str) -> None:
    """With tracking on, an hour a change marked is sliced again even when its events' count and
    hashes are what its slices were made of (here an UPDATE that changes nothing): a slice
    spoiled behind the project's back in that hour comes back exact. Unmarked, such an hour is
    kept as stored (test_sets: test_lookback_hours_are_sliced_again_exactly_when_...)."""
    history(project)
    project.dbt_run(ts("2026-03-05 13:05"), **ON)
    hour = ts("2026-03-05 12:00")  # the next run's lookback hour, one event at 12:20
    project.execute("update {schema}.analytics_events_hourly_slices set visitor_keys = '{{}}' "
                    "where hour_bucket = %s", (hour,))
    project.execute("update {schema}.analytics_events set event_label = event_label "
                    "where created_at >= %s and created_at < %s", (hour, hour + HOUR))
    at = ts("2026-03-05 14:05")
    if runner == "dbt":
        project.dbt_run(at, **ON)
    else:
        project.refresh(at)
    assert tables(project) == expected(project, at)


def test_an_erased_member_leaves_no_key_once_pruned(project: Project) -> None:
    """An erasure request: every event of one visitor deleted (tracking on). The next run
    re-aggregates its hours; `analytics_ops.py prune-member-ids` then deletes its dictionary
    rows and only those (the numbers, and every set read through the dictionary, stay exact).
    The visitor coming back is a new member with a new id, counted once."""
    history(project)
    project.insert([event("2026-03-03 10:20", visitor="gone"),
                    event("2026-03-04 11:20", visitor="gone", label=None)])
    project.dbt_run(ts("2026-03-05 12:05"), **ON)
    old = member_ids(project, "gone", "s-gone")
    assert set(old) == {("v", "gone"), ("s", "s-gone")}
    project.execute("delete from {schema}.analytics_events where visitor_id = 'gone'")
    at = ts("2026-03-05 13:05")
    project.dbt_run(at, **ON)
    assert tables(project) == expected(project, at)
    total = project.conn.execute(sql.SQL("select count(*) from {}.analytics_member_ids")
                                 .format(project.ident)).fetchone()[0]

    def prune(*extra: str) -> str:
        done = subprocess.run([sys.executable, str(ROOT / "scripts" / "analytics_ops.py"),
                               "prune-member-ids", "--schema", project.schema, *extra],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert f"would delete 2 of {total:,}" in prune("--dry-run")
    assert member_ids(project, "gone", "s-gone") == old
    assert f"deleted 2 of {total:,}" in prune()
    assert member_ids(project, "gone", "s-gone") == {}
    assert tables(project) == expected(project, at)
    assert "deleted 0 of" in prune()  # nothing else was unheld
    # back again: a new member, after every id given so far
    project.insert([event("2026-03-05 12:30", visitor="gone")])
    at = ts("2026-03-05 14:05")
    project.dbt_run(at, **ON)
    assert tables(project) == expected(project, at)
    new = member_ids(project, "gone", "s-gone")
    assert set(new) == set(old) and all(new[k] > old[k] for k in old)
    # a member the sorted-id sets no longer hold but a band does (the project sets) stays
    for table in ("analytics_events_hourly_slices", "analytics_events_daily_sets",
                  "analytics_events_daily_type_sets"):
        project.execute("update {schema}." + table + " set visitor_keys = "
                        "array_remove(visitor_keys, %s)", (new[("v", "gone")],))
    assert "would delete 0 of" in prune("--dry-run")


def test_long_transaction_committing_an_old_event_after_the_run(project: Project) -> None:
    history(project)
    project.dbt_run(ts("2026-03-05 12:05"), **ON)
    slow = connect(autocommit=False)
    try:
        slow.execute(sql.SQL("insert into {}.analytics_events (project_id, event_type, "
                             "event_label, visitor_id, created_at) values "
                             "('p1', 'impression', 'slow', 'x', %s)").format(project.ident),
                     (ts("2026-03-02 07:30"),))
        project.refresh(ts("2026-03-05 13:05"))  # runs while the insert is uncommitted
        slow.commit()
    finally:
        slow.close()
    at = ts("2026-03-05 14:05")
    project.refresh(at)
    assert tables(project) == expected(project, at)


def test_mark_of_an_open_transaction_waits_for_the_next_run(project: Project) -> None:
    """The run never waits on the application: a mark that is not committed yet is invisible to
    the run (and so are its events); the next run processes it."""
    history(project)
    project.dbt_run(ts("2026-03-05 12:05"), **ON)
    project.insert([event("2026-03-02 10:10", visitor="first")])  # a committed mark
    writer = connect(autocommit=False)
    try:
        writer.execute(sql.SQL("insert into {}.analytics_events (project_id, event_type, "
                               "event_label, visitor_id, created_at) values "
                               "('p1', 'impression', 'hero', 'second', %s)").format(
                                   project.ident), (ts("2026-03-02 10:50"),))
        with connect() as c:
            c.execute("set lock_timeout = '5s'")  # once: the run waited on the mark's row lock
            c.execute(sql.SQL("select {}.analytics_refresh_aggregates(%s)").format(
                project.ident), (ts("2026-03-05 13:05"),))
        committed = [r for r in project.raw_rows() if r["visitor_id"] != "second"]
        assert tables(project) == expected_from(committed, ts("2026-03-05 13:05"))
        writer.commit()
    finally:
        writer.close()
    at = ts("2026-03-05 14:05")
    project.refresh(at)
    assert tables(project) == expected(project, at)  # the second event, one run later
    assert waiting(project) == for_the_week("2026-03-02 10:00")
    assert pending(project) == 1
    # the week ends (after an outage of three days): the weekly visitor sets build it, once,
    # with both events, and nothing is left pending
    at = ts("2026-03-09 00:05")
    project.refresh(at)
    assert tables(project) == expected(project, at)
    assert pending(project) == 0


def _refresh(project: Project, at: dt.datetime) -> dict:
    with connect() as c:
        return c.execute(sql.SQL("select {}.analytics_refresh_aggregates(%s)").format(
            project.ident), (at,)).fetchone()[0]


def test_batches_and_switching_off(project: Project) -> None:
    history(project)
    project.dbt_run(ts("2026-03-05 12:05"), **ON)
    project.insert([event(f"2026-03-01 0{h}:30", visitor="batch") for h in range(5)])
    project.dbt_run(ts("2026-03-05 13:05"), pending_batch_hours=2, **ON)
    hourly = project.conn.execute(sql.SQL(
        "select count(*) from {}.analytics_pending_hours where target = "
        "'analytics_events_hourly_agg'").format(project.ident)).fetchone()[0]
    assert hourly == 3  # the two oldest were processed, three wait for the next run
    project.dbt_run(ts("2026-03-05 14:05"), **ON)
    assert tables(project) == expected(project, ts("2026-03-05 14:05"))

    project.dbt_run(ts("2026-03-05 15:05"))  # off: the triggers are removed
    triggers = project.conn.execute(
        "select count(*) from pg_trigger where tgrelid = %s::regclass and not tgisinternal",
        (f'"{project.schema}".analytics_events',)).fetchone()[0]
    assert triggers == 0
    project.insert([event("2026-03-01 01:30", visitor="unseen")])
    project.dbt_run(ts("2026-03-05 16:05"))
    # as before the option existed: a change older than the lookback is not picked up
    assert tables(project) != expected(project, ts("2026-03-05 16:05"))
