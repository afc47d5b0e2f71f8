"""Member sets: the slices (analytics_events_hourly_slices) keep only the days the lookback can
still change, and every older day a run must rebuild is read from raw again: a late change, a
re-aggregation range, an old scheduler slot and a model left behind, in a zone whose days start
at :30. The daily type sets keep only the weeks the weekly type rollup can still rebuild, and
an older week is unioned from the label-day sets again. All grains agree, a rebuild from pruned
sets is refused, and no aggregate table holds a plaintext id. Compared with the Python oracle
over the raw rows."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import uuid

import pytest
from analytics_db import dbt
from conftest import Project, project_copy, ts
from oracle import clean_label, digest, hour_of, key_sets, legacy_digest, member_key, member_space
from psycopg import sql
from psycopg.types.json import Jsonb
from test_rollups import check_all, check_kpi, make_events

HOUR = dt.timedelta(hours=1)
START = ts("2026-03-01 00:00")
AS_OF = ts("2026-03-06 09:05")
TZ = "Asia/Kolkata"  # days start at 18:30 UTC: an hour is two slices there


def built(project: Project, runner: str) -> tuple[random.Random, dict]:
    rng = random.Random(7)
    project.insert(make_events(rng, START, AS_OF))
    variables = {"rollup_time_zone": TZ, "track_late_changes": True}
    project.dbt_run(AS_OF - 2 * HOUR, **variables)  # the first build: every day's slices
    run(project, runner, AS_OF, variables)           # the first run after it prunes them
    return rng, variables


def run(project: Project, runner: str, as_of: dt.datetime, variables: dict,
        **kwargs) -> None:
    if runner == "dbt":
        project.dbt_run(as_of, **variables, **{f"reaggregate_{k}": v.isoformat()
                                               for k, v in kwargs.items()})
    else:
        project.refresh(as_of, **kwargs)


def kept_days(project: Project) -> list[dt.datetime]:
    return [r[0] for r in project.conn.execute(sql.SQL(
        "select distinct day_bucket from {}.analytics_events_hourly_slices order by 1").format(
            project.ident)).fetchall()]


def late_change_and_range(project: Project, runner: str, variables: dict, tz: str,
                          erased_hour: dt.datetime, late_at: dt.datetime,
                          range_start: dt.datetime, range_end: dt.datetime) -> dt.datetime:
    """An hour later: a late change (tracking on), an erasure of an hour of 'loyal' and a late
    visitor; then a re-aggregation range, its 'interaction' events deleted behind the triggers'
    back. Each checked against the oracle; returns the as_of of both runs."""
    project.execute("delete from {schema}.analytics_events where created_at >= %s "
                    "and created_at < %s and visitor_id = 'loyal'",
                    (erased_hour, erased_hour + HOUR))
    project.insert([{"project_id": "p1", "event_type": "impression", "event_label": "late",
                     "visitor_id": "offline", "session_id": "offline-s", "created_at": late_at}])
    as_of = AS_OF + HOUR
    run(project, runner, as_of, variables)
    check_all(project, as_of, tz)
    project.execute("alter table {schema}.analytics_events disable trigger user")
    project.execute("delete from {schema}.analytics_events where created_at >= %s "
                    "and created_at < %s and event_type = 'interaction'", (range_start, range_end))
    project.execute("alter table {schema}.analytics_events enable trigger user")
    run(project, runner, as_of, variables, **{"from": range_start, "to": range_end})
    check_all(project, as_of, tz)
    return as_of


@pytest.mark.parametrize("runner", ["dbt", "function"])
def test_pruned_days_are_read_again_when_they_must_change(project: Project,
                                                          runner: str) -> None:
    rng, variables = built(project, runner)
    # kept: the Kolkata day holding the lookback's first hour (07:00 UTC = 12:30 local on 03-06)
    assert kept_days(project) == [ts("2026-03-05 18:30")]
    check_all(project, AS_OF, TZ)
    # a late change to pruned days (an erasure and a late event across midnight), then a
    # re-aggregation range on pruned days
    as_of = late_change_and_range(project, runner, variables, TZ, ts("2026-03-02 18:00"),
                                  ts("2026-03-03 18:45"), ts("2026-03-01 20:00"),
                                  ts("2026-03-02 02:00"))
    # the days read again are pruned by the next run
    as_of += HOUR
    project.insert(make_events(rng, hour_of(as_of) - HOUR, as_of))
    run(project, runner, as_of, variables)
    check_all(project, as_of, TZ)
    assert kept_days(project) == [ts("2026-03-05 18:30")]


def kept_type_days(project: Project) -> list[dt.datetime]:
    return [r[0] for r in project.conn.execute(sql.SQL(
        "select distinct day_bucket from {}.analytics_events_daily_type_sets order by 1").format(
            project.ident)).fetchall()]


@pytest.mark.parametrize("runner", ["dbt", "function"])
def test_pruned_weeks_of_type_sets_are_unioned_again_when_they_must_change(
        project: Project, runner: str) -> None:
    """The daily type sets keep the weeks the weekly type rollup can still rebuild. A late
    change, a re-aggregation range and an old scheduler slot in an older week bring every day
    of that week back (from the label-day sets), so the week is counted over all its days."""
    tz = "America/New_York"  # ISO weeks start on Mondays at 05:00 UTC here
    rng = random.Random(5)
    project.insert(make_events(rng, ts("2026-02-25 00:00"), AS_OF))  # from a Wednesday
    variables = {"rollup_time_zone": tz, "track_late_changes": True}
    project.dbt_run(AS_OF - 2 * HOUR, **variables)
    run(project, runner, AS_OF, variables)
    # kept: the days of the week holding the lookback's first hour, Monday 03-02 to Friday
    week = [ts("2026-03-02 05:00") + k * 24 * HOUR for k in range(5)]
    assert kept_type_days(project) == week
    check_all(project, AS_OF, tz)
    # a late change to two days of the pruned week, then a re-aggregation range in it
    as_of = late_change_and_range(project, runner, variables, tz, ts("2026-02-26 10:00"),
                                  ts("2026-02-28 12:30"), ts("2026-02-27 00:00"),
                                  ts("2026-02-27 03:00"))
    # an old scheduler slot in the pruned week: nothing a later run stored shrinks
    run(project, runner, ts("2026-02-28 16:05"), variables)
    check_all(project, as_of, tz)
    # the days brought back are pruned by the next run
    as_of += HOUR
    project.insert(make_events(rng, hour_of(as_of) - HOUR, as_of))
    run(project, runner, as_of, variables)
    check_all(project, as_of, tz)
    assert kept_type_days(project) == week


def test_old_slot_across_a_pruned_midnight_and_a_model_left_behind(project: Project) -> None:
    _, variables = built(project, "function")
    variables = {**variables, "track_late_changes": False}
    # an old scheduler slot whose lookback crosses a pruned Kolkata midnight: that day is whole
    # before its as_of, so it is rebuilt, from raw; nothing a later run stored shrinks
    project.refresh(ts("2026-03-04 19:35"))
    check_all(project, AS_OF, TZ)
    project.dbt_run(ts("2026-03-04 19:35"), **variables)
    check_all(project, AS_OF, TZ)
    # a model two days behind the slices (a run killed between models, long ago): its window
    # starts on pruned days, which are read again for it
    project.execute("delete from {schema}.analytics_events_daily_sets where day_bucket >= %s",
                    (ts("2026-03-03 18:30"),))
    project.execute("delete from {schema}.analytics_events_hourly_agg where hour_bucket >= %s",
                    (ts("2026-03-04 02:00"),))
    project.dbt_run(AS_OF, **variables)
    check_all(project, AS_OF, TZ)


def test_grains_agree_on_an_event_later_than_the_lookback(project: Project) -> None:
    """Without late-change tracking an event later than the lookback is in no table: not in
    its hour, and so not in its day, week or the KPI either (the day is the union of its
    hours)."""
    project.insert(make_events(random.Random(3), START, ts("2026-03-02 12:00")))
    project.dbt_run(ts("2026-03-02 12:05"))
    project.insert([{"project_id": "p1", "event_type": "impression", "event_label": "hero",
                     "visitor_id": "late", "session_id": "late-s",
                     "created_at": ts("2026-03-02 06:30")}])  # 5 hours late
    project.dbt_run(ts("2026-03-02 13:05"))
    s = project.ident

    def total(query: str) -> int:
        return project.conn.execute(sql.SQL(query).format(s=s)).fetchone()[0]

    hourly = total("select sum(event_count) from {s}.analytics_events_hourly_agg")
    for table in ("analytics_events_hourly_type_agg", "analytics_events_daily_agg",
                  "analytics_events_daily_type_agg", "analytics_events_weekly_agg",
                  "analytics_events_weekly_type_agg"):
        assert total("select sum(event_count) from {s}." + table) == hourly, table
    # the project daily sets keep the days that have ended: 03-01 here
    assert total("select sum(event_count) from {s}.analytics_events_project_daily_sets") == total(
        "select sum(event_count) from {s}.analytics_events_hourly_agg "
        "where hour_bucket < '2026-03-02Z'") > 0
    kpi = project.conn.execute(sql.SQL("select * from {}.analytics_kpi_totals('p1', %s, %s)"
                                       ).format(s), (START, ts("2026-03-03"))).fetchone()
    assert kpi[0] == total("select sum(event_count) from {s}.analytics_events_hourly_agg "
                           "where project_id = 'p1'")
    assert total("select count(*) from {s}.analytics_events where visitor_id = 'late'") == 1
    late = digest("late")
    assert all(late not in keys for keys, in project.table_rows(
        "analytics_events_project_daily_sets", ("visitor_keys",)))
    # no run read it: it was never given an id
    assert project.conn.execute(sql.SQL(
        "select count(*) from {}.analytics_member_ids where member_key = %s").format(s),
        (late,)).fetchone()[0] == 0


@pytest.mark.parametrize("model,kept", [
    ("analytics_events_daily_sets", "analytics_events_hourly_slices"),
    ("analytics_events_weekly_type_agg", "analytics_events_daily_type_sets")])
def test_rebuild_from_pruned_sets_rebuilds_them_first(project: Project, model: str,
                                                      kept: str) -> None:
    """A --full-refresh of one model read from pruned sets (it once refused): its pre-hook
    rebuilds the pruned buckets of its window into the covering table first, the model is
    exact over its whole window, and the covering table's next run prunes them again."""
    built(project, "dbt")
    first_kept = kept_from(project, kept)
    assert first_kept is not None
    project.dbt_run(AS_OF, full_refresh=True, select=model, rollup_time_zone=TZ,
                    track_late_changes=True)
    check_all(project, AS_OF, TZ)
    assert kept_from(project, kept) < first_kept  # it holds the rebuilt buckets now
    at = AS_OF + HOUR
    project.dbt_run(at, rollup_time_zone=TZ, track_late_changes=True)
    check_all(project, at, TZ)
    assert kept_from(project, kept) >= first_kept
    oldest = project.conn.execute(sql.SQL("select min(day_bucket) from {}.{}").format(
        project.ident, sql.Identifier(kept))).fetchone()[0]
    assert oldest >= first_kept


def kept_from(project: Project, model: str):
    return project.conn.execute(sql.SQL(
        "select kept_from from {}.analytics_refresh_state where model = %s").format(
            project.ident), (model,)).fetchone()[0]


def test_no_aggregate_holds_a_plaintext_id(project: Project) -> None:
    built(project, "dbt")
    ids = {r["visitor_id"] for r in project.raw_rows()} | {
        r["session_id"] for r in project.raw_rows()}
    ids.discard(None)
    columns = project.conn.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = %s and table_name like 'analytics_events_%%' and data_type in "
        "('text', 'character varying', 'ARRAY', 'jsonb')", (project.schema,)).fetchall()
    assert columns
    for table, column in columns:
        found = project.conn.execute(sql.SQL(
            "select count(*) from {}.{} where {}::text like any(%s)").format(
                project.ident, sql.Identifier(table), sql.Identifier(column)),
            ([f"%{i}%" for i in sorted(ids)],)).fetchone()[0]
        assert found == 0, (table, column)


NEW_GRAIN = """{%- set analytics = {
    'grain': 'week',
    'unique': ['project_id', 'week_bucket'],
    'build': 'counts',
} -%}
{{ config(meta={'analytics': analytics}) }}

{#- One row per project and ISO week (rollup time zone), every type and label together: a grain
    that is not in the project, added as a newcomer would add it. -#}
{%- set run = analytics_run_context('analytics_events_project_weekly_agg', analytics) -%}
with {{ analytics_window_ctes(run) }}

{{ analytics_import_ctes(run, ref('analytics_events_project_hourly_sets'), 'hour_bucket') }}

final as (

    select
        project_id,
        week_bucket,
        sum(event_count)::bigint as event_count,
        {{ analytics_key_function('analytics_key_count') }}(visitor_keys)::bigint
            as unique_visitors,
        {{ analytics_key_function('analytics_key_count') }}(session_keys)::bigint
            as unique_sessions,
        now() as created_at,
        now() as updated_at
    from source_sets
    group by project_id, week_bucket

)

select * from final
"""

# the same grain read from the project daily sets, which hold the days that have ended only
NEW_GRAIN_FROM_ENDED_DAYS = NEW_GRAIN.replace(
    "ref('analytics_events_project_hourly_sets'), 'hour_bucket'",
    "ref('analytics_events_project_daily_sets'), 'utc_day_bucket'")

# ... and from the weekly label sets, which keep no session sets (closed too, so that it is
# the members that are refused)
NEW_GRAIN_FROM_VISITOR_WEEKS = NEW_GRAIN.replace(
    "ref('analytics_events_project_hourly_sets'), 'hour_bucket'",
    "ref('analytics_events_weekly_visitor_sets'), 'week_bucket'").replace(
    "'build': 'counts',", "'build': 'counts',\n    'closed_buckets': true,")

NEW_GRAIN_YML = """
  - name: analytics_events_project_weekly_agg
    description: One row per project and ISO week, every type and label together.
    data_tests:
      - analytics_unique_combination
"""


def test_a_new_grain_is_one_model_file_and_its_yml_entry(project: Project, tmp_path) -> None:
    """Adding a grain touches two files: the model (its declaration and its SQL) and its yml
    entry. The strategy, the constraint, the uniqueness test, the late-change claims and the
    refresh function follow from the declaration: dbt build, a later dbt run and the pg_cron
    function all leave the new table equal to the oracle (weeks in UTC from the project hourly
    sets). Read from a table that keeps ended days only, it is refused by name."""
    copy = project_copy(tmp_path)
    (copy / "models" / "marts" / "analytics_events_project_weekly_agg.sql").write_text(NEW_GRAIN)
    yml = copy / "models" / "marts" / "_marts__models.yml"
    text = yml.read_text()
    assert "\nmodels:\n" in text
    yml.write_text(text.replace("\nmodels:\n", "\nmodels:" + NEW_GRAIN_YML, 1))
    # read from the project daily sets it would miss the open day, from the weekly label sets
    # its sessions: refused by name
    model = copy / "models" / "marts" / "analytics_events_project_weekly_agg.sql"
    for text, message in (
            (NEW_GRAIN_FROM_ENDED_DAYS, "it reads analytics_events_project_daily_sets, which "
             "keeps the buckets that have ended only"),
            (NEW_GRAIN_FROM_VISITOR_WEEKS, "it needs visitor and session sets, and "
             "analytics_events_weekly_visitor_sets keeps visitor sets only")):
        assert text != NEW_GRAIN
        model.write_text(text)
        refused = dbt(["compile", "--project-dir", str(copy), "--select",
                       "analytics_events_project_weekly_agg"], project.schema,
                      {"app_schema": project.schema,
                       "policy_schema": f"{project.schema}_private"},
                      target_path=str(tmp_path / "target"), check=False)
        assert refused.returncode != 0
        assert message in refused.stdout, refused.stdout[-3000:]
    model.write_text(NEW_GRAIN)
    # its weeks from UTC hours: in a zone whose days start on a UTC hour (New York, DST and
    # all), not in one whose days start at :30, whose straddling hours would count in one day
    for zone, message in (("America/New_York", None),
                          ("Asia/Kolkata", "reads hour_bucket of "
                           "analytics_events_project_hourly_sets (hours in UTC), which do not "
                           "nest in its weeks in Asia/Kolkata")):
        compiled = dbt(["compile", "--project-dir", str(copy), "--select",
                        "analytics_events_project_weekly_agg"], project.schema,
                       {"app_schema": project.schema, "rollup_time_zone": zone,
                        "policy_schema": f"{project.schema}_private"},
                       target_path=str(tmp_path / "target"), check=False)
        assert (compiled.returncode == 0) == (message is None), compiled.stdout[-3000:]
        assert message is None or message in compiled.stdout, compiled.stdout[-3000:]
    start, as_of = ts("2026-03-02 00:00"), ts("2026-03-12 05:10")
    rng = random.Random(13)
    rows = make_events(rng, start, as_of - dt.timedelta(hours=1))
    project.insert(rows)
    variables = {"app_schema": project.schema, "policy_schema": f"{project.schema}_private",
                 "as_of": as_of.isoformat(), "backfill_days": 14}
    target = str(tmp_path / "target")

    def expected() -> dict:
        sets = key_sets(project.raw_rows(), as_of, "week", dims=("project_id",))
        return {k: (n, len(v), len(s)) for k, (n, v, s) in sets.items()}

    def stored() -> dict:
        rows = project.table_rows("analytics_events_project_weekly_agg", (
            "project_id", "week_bucket", "event_count", "unique_visitors", "unique_sessions"))
        return {r[:2]: r[2:] for r in rows}

    out = dbt(["build", "--project-dir", str(copy), "--exclude", "resource_type:seed"],
              project.schema, variables, target_path=target).stdout
    assert "analytics_unique_combination_analytics_events_project_weekly_agg" in out
    assert stored() == expected()
    constraint = project.conn.execute(
        "select pg_get_constraintdef(oid) from pg_constraint where conname = %s",
        ("analytics_events_project_weekly_agg_grain_key",)).fetchone()
    assert constraint == ("UNIQUE (project_id, week_bucket)",)
    # a late event in the next run's lookback (the hour before as_of's), a visitor and a
    # session not seen that week: the function's run adds them
    project.insert([{"project_id": "p2", "visitor_id": "late", "session_id": "late-s",
                     "event_type": "impression", "event_label": "hero",
                     "created_at": as_of - dt.timedelta(minutes=40)}])
    later = as_of + dt.timedelta(hours=1)
    before = stored()
    result = project.refresh(later)
    assert "analytics_events_project_weekly_agg" in result
    as_of = later
    assert stored() == expected() != before
    # and dbt run on the same as_of changes nothing
    variables["as_of"] = later.isoformat()
    dbt(["run", "--project-dir", str(copy)], project.schema, variables, target_path=target)
    assert stored() == expected()


MONTH_GRAIN = "        'month': {'unit': 'month', 'tz': none, 'rank': 4},\n"
NEW_MONTHLY_MODEL = (NEW_GRAIN.replace("'grain': 'week'", "'grain': 'month'")
                     .replace("week_bucket", "month_bucket")
                     .replace("analytics_events_project_weekly_agg",
                              "analytics_events_project_monthly_agg")
                     .replace("ISO week", "month")
                     # the rollup zone's days (an hour of the project hourly sets may straddle
                     # a month's start in a zone whose days start at :30)
                     .replace("ref('analytics_events_project_hourly_sets'), 'hour_bucket'",
                              "ref('analytics_events_daily_sets'), 'day_bucket'"))


def test_a_new_grain_name_is_one_line_in_analytics_grain(project: Project, tmp_path) -> None:
    """A grain the project does not have (a monthly rollup) is one line in
    macros/spec/analytics_grain.sql besides its model file and yml entry: built, refreshed by
    the pg_cron function with a late event across the month's end and exact against the
    oracle in a rollup zone whose days start at :30, and refused in another rollup zone like
    every day and week table (once a grain's zone dependence was a third place to edit, and
    forgetting it dropped the refusal silently)."""
    copy = project_copy(tmp_path)
    grain = copy / "macros" / "spec" / "analytics_grain.sql"
    text = grain.read_text()
    week = "        'week': {'unit': 'week', 'tz': none, 'rank': 3},\n"
    assert week in text
    grain.write_text(text.replace(week, week + MONTH_GRAIN))
    assert "'grain': 'month'" in NEW_MONTHLY_MODEL and "analytics_events_daily_sets" in (
        NEW_MONTHLY_MODEL)
    (copy / "models" / "marts" / "analytics_events_project_monthly_agg.sql").write_text(
        NEW_MONTHLY_MODEL)
    yml = copy / "models" / "marts" / "_marts__models.yml"
    yml.write_text(yml.read_text().replace("\nmodels:\n", "\nmodels:" + NEW_GRAIN_YML.replace(
        "weekly", "monthly").replace("ISO week", "month"), 1))
    start, as_of = ts("2026-02-24 00:00"), ts("2026-03-02 05:10")
    project.insert(make_events(random.Random(17), start, as_of - dt.timedelta(hours=1)))
    variables = {"app_schema": project.schema, "policy_schema": f"{project.schema}_private",
                 "as_of": as_of.isoformat(), "backfill_days": 14, "rollup_time_zone": TZ}
    target = str(tmp_path / "target")

    def expected() -> dict:
        sets = key_sets(project.raw_rows(), as_of, "month", TZ, dims=("project_id",))
        return {k: (n, len(v), len(s)) for k, (n, v, s) in sets.items()}

    def stored() -> dict:
        rows = project.table_rows("analytics_events_project_monthly_agg", (
            "project_id", "month_bucket", "event_count", "unique_visitors", "unique_sessions"))
        return {r[:2]: r[2:] for r in rows}

    # (the unit tests' fixtures are in UTC: the data tests run, the unit tests not)
    out = dbt(["build", "--project-dir", str(copy), "--exclude", "resource_type:seed",
               "resource_type:unit_test"], project.schema, variables, target_path=target).stdout
    assert "analytics_unique_combination_analytics_events_project_monthly_agg" in out
    assert len({k[1] for k in expected()}) == 2  # February and March
    assert stored() == expected()
    # a late event on February's last evening (in Kolkata) and one in March's first hour
    project.insert([{"project_id": "p1", "visitor_id": "late", "session_id": "late-s",
                     "event_type": "impression", "event_label": None,
                     "created_at": as_of - dt.timedelta(minutes=50)}])
    as_of = as_of + dt.timedelta(hours=1)
    result = project.refresh(as_of)
    assert "analytics_events_project_monthly_agg" in result
    assert stored() == expected()
    refused = dbt(["run", "--project-dir", str(copy)], project.schema,
                  {**variables, "as_of": as_of.isoformat(), "rollup_time_zone": "UTC"},
                  target_path=target, check=False)
    assert refused.returncode != 0
    assert "analytics_events_project_monthly_agg" in refused.stdout
    assert "built with rollup_time_zone Asia/Kolkata" in refused.stdout, refused.stdout[-3000:]


PLATFORM = """        {'name': 'platform', 'raw': "({row}.event_data ->> 'platform')"},\n"""
# raw event_data as an app sends it: a platform, none, a blank one, a number, an over-long
# one, or a document that is not an object (->> reads NULL there)
PLATFORMS = [None, {"platform": "ios"}, {"platform": "web"}, {"platform": " "}, {},
             {"platform": 5}, {"platform": None}, ["ios"], "ios", {"platform": "x" * 1500}]


def platform_of(data: object) -> str | None:
    """The oracle of `event_data ->> 'platform'`, cleaned as a label."""
    if not isinstance(data, dict) or data.get("platform") is None:
        return None
    value = data["platform"]
    return clean_label(value if isinstance(value, str) else str(value))


def test_a_new_dimension_is_one_line_in_analytics_dimensions(project: Project,
                                                             tmp_path) -> None:
    """A dimension the project does not have (the plan's platform, from event_data) is one line
    in macros/spec/analytics_dimensions.sql; an existing deployment takes it with one
    --full-refresh (an incremental run stops on the new column). The slices, the hourly, daily
    and weekly label tables, their grain constraints and uniqueness tests, the live view and
    the refresh function group by it, and every table is exact against the oracle by project,
    type, label and platform, in a rollup zone whose days start at :30, after a late change of
    a week-old event's platform (tracked, refreshed by the pg_cron function) and a dbt run on
    the same as_of. A declaration that is not a new column name over {row} is refused by name."""
    copy = project_copy(tmp_path)
    dimensions = copy / "macros" / "spec" / "analytics_dimensions.sql"
    text = dimensions.read_text()
    label = "        {'name': 'event_label', 'raw': '{row}.event_label'},\n"
    assert text.count(label) == 1
    target = str(tmp_path / "target")
    for bad in ("{'name': 'Platform', 'raw': '{row}.event_data'},",
                "{'name': 'event_type', 'raw': '{row}.event_type'},",
                "{'name': 'platform', 'raw': \"event_data ->> 'platform'\"},"):
        dimensions.write_text(text.replace(label, label + "        " + bad + "\n"))
        refused = dbt(["parse", "--project-dir", str(copy)], project.schema, {},
                      target_path=target, check=False)
        assert refused.returncode != 0 and "analytics_dimensions: " in refused.stdout, bad
    dimensions.write_text(text.replace(label, label + PLATFORM))
    start, as_of = ts("2026-02-26 00:00"), ts("2026-03-04 05:10")
    rng = random.Random(23)
    events = make_events(rng, start, as_of - HOUR)
    for event in events:
        event["event_data"] = rng.choice(PLATFORMS)
    project.insert(events)
    variables = {"app_schema": project.schema, "policy_schema": f"{project.schema}_private",
                 "as_of": as_of.isoformat(), "backfill_days": 14, "rollup_time_zone": TZ,
                 "track_late_changes": True}
    label_dims = ("project_id", "event_type", "event_label", "platform")

    def check(as_of: dt.datetime) -> None:
        raw = [{**r, "platform": platform_of(r["event_data"])} for r in project.raw_rows()]
        for name, grain in (("analytics_events_hourly_agg", "hour"),
                            ("analytics_events_daily_agg", "day"),
                            ("analytics_events_weekly_agg", "week"),
                            ("analytics_events_hourly_type_agg", "hour"),
                            ("analytics_events_weekly_type_agg", "week")):
            dims = label_dims if "type" not in name else label_dims[:2]
            stored = project.table_rows(name, (*dims, f"{grain}_bucket", "event_count",
                                               "unique_visitors", "unique_sessions"))
            expected = {k: (n, len(v), len(s))
                        for k, (n, v, s) in key_sets(raw, as_of, grain, TZ, dims).items()}
            assert {r[:-3]: r[-3:] for r in stored} == expected, (name, as_of)
            assert len(stored) == len(expected), name
        stored = project.table_rows("analytics_events_daily_sets", (
            *label_dims, "day_bucket", "event_count", "visitor_keys", "session_keys"))
        assert {r[:-3]: r[-3:] for r in stored} == {
            k: tuple(v) for k, v in key_sets(raw, as_of, "day", TZ, label_dims).items()}
        stored = project.table_rows("analytics_events_weekly_visitor_sets", (
            *label_dims, "week_bucket", "event_count", "visitor_keys"))
        assert {r[:-2]: r[-2:] for r in stored} == {
            k: (n, v) for k, (n, v, _) in key_sets(raw, as_of, "week", TZ, label_dims,
                                                    closed=True).items()}

    # a deployment without it: the next incremental run stops on the new column (nothing is
    # written), a --full-refresh rebuilds every table with it, and the live view with its
    # function, whose columns changed
    dbt(["run"], project.schema, variables)
    stopped = dbt(["run", "--project-dir", str(copy)], project.schema, variables,
                  target_path=target, check=False)
    assert stopped.returncode != 0 and "out of sync" in stopped.stdout, stopped.stdout[-3000:]
    out = dbt(["build", "--full-refresh", "--project-dir", str(copy), "--exclude",
               "resource_type:seed", "resource_type:unit_test"], project.schema, variables,
              target_path=target).stdout
    assert "analytics_unique_combination_analytics_events_hourly_agg" in out
    assert len({platform_of(e["event_data"]) for e in events}) == 5  # ios, web, 5, long, none
    check(as_of)
    for table in ("analytics_events_hourly_slices", "analytics_events_hourly_agg",
                  "analytics_events_weekly_agg"):
        constraint = project.conn.execute(
            "select pg_get_constraintdef(oid) from pg_constraint "
            "where conname = %s and connamespace = %s::regnamespace",
            (f"{table}_grain_key", project.schema)).fetchone()[0]
        assert "event_label, platform)" in constraint, constraint
    live = project.conn.execute(sql.SQL(
        "select count(distinct platform) from {}.analytics_events_hourly_live").format(
        project.ident)).fetchone()
    assert live == (4,)  # count(distinct) leaves NULL out
    # late changes a week back, tracked by the triggers: an event moved to another platform,
    # one that loses its platform, and a new one on a platform not seen before
    project.execute("""
        update {schema}.analytics_events set event_data = %(data)s
        where id in (select id from {schema}.analytics_events
                     where created_at < %(before)s order by id limit 3)""",
                    {"before": start + dt.timedelta(days=1),
                     "data": Jsonb({"platform": "android"})})
    project.execute("update {schema}.analytics_events set event_data = null "
                    "where id = (select max(id) from {schema}.analytics_events "
                    "where created_at < %(before)s)", {"before": start + dt.timedelta(days=2)})
    project.insert([{"project_id": "p1", "visitor_id": "late", "session_id": "late-s",
                     "event_type": "impression", "event_label": "hero",
                     "event_data": {"platform": "tv"}, "created_at": start + HOUR}])
    as_of += HOUR
    result = project.refresh(as_of)
    assert "analytics_events_weekly_agg" in result
    check(as_of)
    # a second run on the same as_of changes nothing, not even a timestamp: the rows with no
    # platform are matched NULL-safely, not deleted and inserted again
    def stamps() -> list:
        return [sorted(project.table_rows(name, (*label_dims, f"{grain}_bucket", "created_at",
                                                 "updated_at")), key=repr)
                for name, grain in (("analytics_events_hourly_agg", "hour"),
                                    ("analytics_events_daily_agg", "day"),
                                    ("analytics_events_weekly_agg", "week"))]

    before = stamps()
    dbt(["run", "--project-dir", str(copy)], project.schema,
        {**variables, "as_of": as_of.isoformat()}, target_path=target)
    check(as_of)
    assert stamps() == before


def test_the_set_aggregates_union_exactly_and_a_big_build_sorts_its_groups(
        project: Project) -> None:
    """The set aggregates (in the policy schema, owner only), against Python sets: the sorted,
    de-duplicated union of sorted-id sets and its cardinality; the band of a group of sorted-id
    sets or of bands, and its count; every one empty for no ids, NULL sets ignored; bands at
    every offset and width, a byte boundary either side. The planner may hash an hourly run's
    groups in memory, but with many groups (a first build) it must sort and hold one group's ids
    at a time, or hash in partitions that spill to disk: each group's state is every id it has
    read."""
    project.insert(make_events(random.Random(3), START, START + 3 * HOUR))
    project.dbt_run(START + 3 * HOUR + dt.timedelta(minutes=5))
    private = f"{project.schema}_private"
    found = {}
    for name, signature in project.conn.execute(
            "select split_part(proname, '__', 1), p.oid::regprocedure::text from pg_proc as p "
            "where pronamespace = %s::regnamespace", (private,)).fetchall():
        found.setdefault(name, []).append(signature)
    aggregates = {name for name, in project.conn.execute(
        "select split_part(proname, '__', 1) from pg_proc as p "
        "where pronamespace = %s::regnamespace and prokind = 'a'", (private,)).fetchall()}
    assert aggregates == {"analytics_key_union", "analytics_key_count", "analytics_band_union"}

    def fn(name: str) -> sql.Composable:
        return sql.SQL(found[name][0].split("(")[0])

    union, count, band, ids = (fn(n) for n in ("analytics_key_union", "analytics_key_count",
                                               "analytics_band_union", "analytics_set_ids"))
    rng = random.Random(5)
    cases = [[[3, 1], [1, 0, 3]], [[7], [8]], [[8, 15, 16]], [[1]], [[]], [],
             [[2_000_000_000]], [[5, 400], [9, 1]],
             # the highest ids: a band that ends at 2^31 - 1 (its end, 2^31, is no integer)
             [[2_147_483_647]], [[2_147_483_640], [2_147_483_647, 2_147_483_600]]]
    cases += [[sorted(rng.sample(range(1, 3000), rng.randint(0, 60))) for _ in range(4)]
              for _ in range(20)]
    for sets in cases:
        want = sorted(set().union(*sets)) if sets else []
        values = sql.SQL("(select unnest(%s::text[])::int[] as keys union all "
                         "select null::int[]) as s")
        literal = ["{" + ",".join(map(str, x)) + "}" for x in sets]
        got = project.conn.execute(sql.SQL(
            "select {u}(s.keys), {c}(s.keys), {i}({b}(s.keys)), {c}(b.band), {i}({b}(b.band)) "
            "from {v} cross join lateral (select {b}(x.keys) as band "
            "from (select s.keys) as x) as b").format(
                u=union, c=count, b=band, i=ids, v=values), (literal,)).fetchone()
        assert got == (want, len(want), want, len(want), want), sets
    # no API role may call any of them (the policy functions beside them are the policies')
    set_functions = {"analytics_ids_band", "analytics_bands_or", "analytics_bands_count",
                     "analytics_set_ids", *aggregates}
    assert set_functions <= set(found)
    # an earlier release's final functions in SQL are gone
    assert not {"analytics_sorted_keys", "analytics_distinct_keys"} & set(found)

    # an earlier release's sorted-id aggregates (finals in SQL, a bigint count): the next run
    # replaces them, drops those finals, and counts the same
    union_name = found["analytics_key_union"][0].split("(")[0]
    count_name = [s for s in found["analytics_key_count"] if "integer[]" in s][0].split("(")[0]
    suffix = "_" + hashlib.md5(project.schema.encode()).hexdigest()[:8]
    old_union, old_count = (
        f'{private}."{(base + "__" + project.schema).encode()[:63 - len(suffix)].decode()}'
        f'{suffix}"' for base in ("analytics_sorted_keys", "analytics_distinct_keys"))
    intarray = project.conn.execute(
        "select pronamespace::regnamespace::text from pg_proc where proname = '_int_union'"
    ).fetchone()[0]
    project.execute(f"drop aggregate {count_name}(integer[])")
    for name, returns, body in ((old_union, "integer[]", "{i}.uniq({i}.sort(ids))"),
                                (old_count, "bigint", "{i}.icount({i}.uniq({i}.sort(ids)))")):
        project.execute(f"create function {name}(ids integer[]) returns {returns} language sql "
                        f"immutable strict as $$ select {body.format(i=intarray)} $$")
    for name, final, returns in ((union_name, old_union, "integer[]"),
                                 (count_name, old_count, "bigint")):
        project.execute(f"create or replace aggregate {name}(integer[]) (sfunc = "
                        f"{intarray}._int_union, stype = integer[], initcond = '{{{{}}}}', "
                        f"finalfunc = {final})")
        assert project.conn.execute("select prorettype::regtype::text from pg_proc where oid = "
                                    "%s::regprocedure", (f"{name}(integer[])",)
                                    ).fetchone()[0] == returns
    project.dbt_run(START + 3 * HOUR + dt.timedelta(minutes=5))
    assert project.conn.execute(
        "select to_regproc(%s), to_regproc(%s), (select prorettype::regtype::text from pg_proc "
        "where oid = %s::regprocedure)", (old_union, old_count, f"{count_name}(integer[])")
    ).fetchone() == (None, None, "integer")
    assert project.conn.execute(sql.SQL("select {}(x), {}(x) from (values ('{{3,1}}'::int[]), "
                                        "('{{1,2}}')) as v (x)").format(
        sql.SQL(union_name), sql.SQL(count_name))).fetchone() == ([1, 2, 3], 3)
    check_all(project, START + 3 * HOUR + dt.timedelta(minutes=5), "UTC")
    for role in ("anon", "authenticated", "service_role"):
        for signatures in (found[name] for name in set_functions):
            for signature in signatures:
                assert not project.conn.execute(
                    "select has_function_privilege(%s, %s, 'execute')",
                    (role, signature)).fetchone()[0], (role, signature)

    project.execute("create table {schema}.many_groups as select g %% %s as grp, "
                    "array[g] as keys from generate_series(1, 400000) as g", (200_000,))
    project.execute("create table {schema}.few_groups as select g % 1000 as grp, "
                    "array[g] as keys from generate_series(1, 400000) as g")
    plans = {}
    for table in ("many_groups", "few_groups"):
        project.execute(f"analyze {{schema}}.{table}")
        with project.conn.transaction():
            # the refresh's work_mem (var refresh_work_mem's default): hashing may use 128 MB
            project.conn.execute("set local work_mem = '64MB'")
            plan = project.conn.execute(sql.SQL(
                "explain (format json) select grp, {}(keys) from {}.{} group by grp").format(
                    union, project.ident, sql.Identifier(table))).fetchone()[0][0]["Plan"]
        # a hash that holds more groups than work_mem spills partitions to disk (PostgreSQL
        # 13 on): memory stays bounded either way
        plans[table] = (plan["Node Type"], plan.get("Strategy"),
                        plan.get("Planned Partitions", 0) > 0)
    assert plans["many_groups"] in (("Aggregate", "Sorted", False),
                                    ("Aggregate", "Hashed", True)), plans
    assert plans["few_groups"] == ("Aggregate", "Hashed", False), plans


@pytest.mark.parametrize("runner", ["dbt", "function"])
def test_project_daily_sets_keep_the_days_that_have_ended(project: Project,
                                                          runner: str) -> None:
    """The project daily sets hold a UTC day once it has ended (not re-sorted every hour while
    it is open); the KPI reads a whole day that has no row from its hours. A row an older
    version stored for the open day goes on the next run, and an old scheduler slot never
    deletes a day that has ended."""
    rng = random.Random(13)
    project.insert(make_events(rng, START, ts("2026-03-03 12:00")))
    project.dbt_run(ts("2026-03-03 10:05"))  # the first build
    s = project.ident
    pds = "analytics_events_project_daily_sets"

    def days() -> set:
        return {r[0] for r in project.table_rows(pds, ("utc_day_bucket",))}

    def refresh(as_of: dt.datetime) -> None:
        if runner == "dbt":
            project.dbt_run(as_of)
        else:
            project.refresh(as_of)

    assert days() == {START, ts("2026-03-02 00:00")}
    # an older version's row for the open day: a partial union, as it was at 08:05
    project.execute("insert into {schema}." + pds + " (project_id, utc_day_bucket, event_count, "
                    "visitor_keys, session_keys) values ('p1', '2026-03-03Z', 1, 0::bit(32), "
                    "0::bit(32))")
    refresh(ts("2026-03-03 11:05"))
    assert days() == {START, ts("2026-03-02 00:00")}
    # the next midnight: 03-03 has ended and is built from its hours
    project.insert(make_events(rng, ts("2026-03-03 12:00"), ts("2026-03-04 03:00")))
    refresh(ts("2026-03-04 00:05"))
    assert days() == {START, ts("2026-03-02 00:00"), ts("2026-03-03 00:00")}
    before = project.table_rows(pds, ("project_id", "utc_day_bucket", "event_count",
                                      "visitor_keys", "session_keys"))
    refresh(ts("2026-03-02 15:05"))  # an old slot: nothing that has ended goes
    assert sorted(project.table_rows(pds, ("project_id", "utc_day_bucket", "event_count",
                                           "visitor_keys", "session_keys"))) == sorted(before)
    as_of = ts("2026-03-04 02:35")  # 03-04's first two hours are done, in no day row
    refresh(as_of)
    raw = project.raw_rows()
    assert {k: v for k, v in key_sets(raw, as_of, "day", dims=("project_id",)).items()
            if k[1] < ts("2026-03-04 00:00")} == {
        r[:2]: (r[2], list(r[3]), list(r[4])) for r in project.table_rows(
            pds, ("project_id", "utc_day_bucket", "event_count", "visitor_keys",
                  "session_keys"))}
    # ranges that hold whole days with rows, the open day whole, and edge hours

    def call(fn: str, *args) -> list[tuple]:
        return project.conn.execute(sql.SQL("select * from {}.{}(%s, %s, %s)").format(
            s, sql.Identifier(fn)), args).fetchall()

    check_kpi(call, [r for r in raw if r["created_at"] < hour_of(as_of)], [
        (START, ts("2026-03-06 00:00")),
        (ts("2026-03-02 05:00"), ts("2026-03-05 00:00")),
        (ts("2026-03-04 00:00"), ts("2026-03-05 00:00")),
    ])


def test_a_lost_member_dictionary_stops_the_run_until_a_full_refresh(project: Project) -> None:
    """The stored sets hold member ids: a run that finds the dictionary gone stops before any
    model (new ids would be read as other members) and changes nothing; a --full-refresh of
    one model does not pass either, and one of every model starts the ids afresh, exact."""
    project.insert(make_events(random.Random(11), START, START + 30 * HOUR))
    at = START + 30 * HOUR + dt.timedelta(minutes=5)
    project.dbt_run(at)
    variables = {"app_schema": project.schema, "policy_schema": f"{project.schema}_private",
                 "as_of": at.isoformat()}
    project.execute("drop table {schema}.analytics_member_ids")
    before = project.table_rows("analytics_events_daily_agg", (
        "project_id", "event_type", "event_label", "day_bucket", "unique_visitors"))
    for extra in ([], ["--full-refresh", "--select", "analytics_events_hourly_slices"]):
        stopped = dbt(["run", *extra], project.schema, variables, check=False)
        assert stopped.returncode != 0, stopped.stdout[-3000:]
        assert 'analytics_member_ids" is missing' in stopped.stdout, stopped.stdout[-3000:]
        assert project.conn.execute(
            "select to_regclass(%s)", (f"{project.schema}.analytics_member_ids",)
        ).fetchone()[0] is None
    assert project.table_rows("analytics_events_daily_agg", (
        "project_id", "event_type", "event_label", "day_bucket", "unique_visitors")) == before
    project.dbt_run(at, full_refresh=True)
    check_all(project, at, "UTC")


LEGACY_DICTIONARY = """
create table {schema}.analytics_member_ids (
    project_id text not null,
    kind "char" not null check (kind in ('v', 's')),
    member_key uuid not null,
    member_id integer not null check (member_id > 0),
    primary key (project_id, kind, member_key) include (member_id)
)"""


def test_a_dictionary_an_older_release_filled_keeps_its_md5_keys(project: Project) -> None:
    """Member keys are two seeded hashes of the id (analytics_member_key, the oracle's digest);
    an older release keyed the dictionary by md5. A dictionary created without the marker and
    still empty takes the new keys. One an older release filled (its keys turned into md5
    here) keeps md5 for every member, the ones it holds and the new ones, through dbt runs and
    the refresh function, exact; dropped and rebuilt with every model, it holds the new keys."""
    rng = random.Random(19)
    first = START + 30 * HOUR
    project.insert(make_events(rng, START, first))
    project.execute(LEGACY_DICTIONARY)  # an older release's, not filled yet
    at = first + dt.timedelta(minutes=5)
    project.dbt_run(at)
    s = project.ident
    marker = project.conn.execute(
        "select obj_description(to_regclass(%s), 'pg_class')",
        (f"{project.schema}.analytics_member_ids",)).fetchone()[0]
    assert marker and marker.startswith("analytics_member_key v2")
    # an older release's dictionary gets the autovacuum of every 1,000 new members too
    assert set(project.conn.execute(
        "select reloptions from pg_class where oid = to_regclass(%s)",
        (f"{project.schema}.analytics_member_ids",)).fetchone()[0]) >= {
        "autovacuum_vacuum_insert_scale_factor=0", "autovacuum_vacuum_insert_threshold=1000"}

    def members() -> list[str]:
        return sorted({member_key(r[name]) for r in project.raw_rows()
                       for name in ("visitor_id", "session_id")} - {None})

    def keys() -> set[uuid.UUID]:
        return {k for k, in project.conn.execute(sql.SQL(
            "select member_key from {}.analytics_member_ids").format(s)).fetchall()}

    def rekey(old, new) -> None:
        # every member's key from old(id) to new(id): the dictionary as the other key holds it
        project.conn.execute(sql.SQL(
            "update {}.analytics_member_ids as d set member_key = m.new "
            "from unnest(%s::uuid[], %s::uuid[]) as m (old, new) "
            "where d.member_key = m.old").format(s),
            ([old(m) for m in members()], [new(m) for m in members()]))

    assert keys() == {digest(m) for m in members()}
    check_all(project, at, "UTC")
    # an older release's dictionary: md5 keys, no marker
    rekey(digest, legacy_digest)
    project.execute("comment on table {schema}.analytics_member_ids is null")
    # members it holds and new ones, through dbt runs and the refresh function
    for hour in range(1, 4):
        project.insert(make_events(rng, first + (hour - 1) * HOUR, first + hour * HOUR))
        at = first + hour * HOUR + dt.timedelta(minutes=5)
        if hour == 2:
            project.refresh(at)
        else:
            project.dbt_run(at)
        # every key is the md5 of a member, and no member has two
        assert keys() == {legacy_digest(m) for m in members()}
        rekey(legacy_digest, digest)  # to read the sets with the oracle's keys
        check_all(project, at, "UTC")
        rekey(digest, legacy_digest)
    # the way to the new keys: drop the dictionary and rebuild every model
    project.execute("drop table {schema}.analytics_member_ids, "
                    "{schema}.analytics_member_counters")
    project.dbt_run(at, full_refresh=True)
    assert keys() == {digest(m) for m in members()}
    check_all(project, at, "UTC")


def test_a_dictionary_keyed_by_the_project_text_is_rewritten_into_spaces(
        project: Project) -> None:
    """A release before the member spaces keyed the dictionary by the project's text and the
    kind, with counters without spaces. Filled by such a release (here the spaces turned back
    into that layout, its table comment kept), the next dbt run rewrites it into spaces once:
    every member keeps its key and id (the oracle's member_space of its project and kind), the
    counters get the oracle's spaces, the comment that marks the keys' version stays, and that
    run and the refresh function's after it are exact."""
    rng = random.Random(23)
    first = START + 30 * HOUR
    project.insert(make_events(rng, START, first))
    at = first + dt.timedelta(minutes=5)
    project.dbt_run(at)
    s = project.ident

    def rows() -> set[tuple]:
        return set(project.conn.execute(sql.SQL(
            "select member_space, member_key, member_id from {}.analytics_member_ids").format(
                s)).fetchall())

    before = rows()
    counters = project.conn.execute(sql.SQL(
        "select project_id, kind::text from {}.analytics_member_counters").format(s)).fetchall()
    # the spaces are the oracle's, one per project and kind that has members
    assert {space for space, _, _ in before} == {
        member_space(p, k) for p, k in counters}
    comment = project.conn.execute(
        "select obj_description(to_regclass(%s), 'pg_class')",
        (f"{project.schema}.analytics_member_ids",)).fetchone()[0]
    assert comment
    project.execute(
        "create table {schema}.old_ids (project_id text not null, kind \"char\" not null, "
        "member_key uuid not null, member_id integer not null)")
    project.execute(
        "insert into {schema}.old_ids select c.project_id, c.kind::\"char\", d.member_key, "
        "d.member_id from {schema}.analytics_member_ids as d "
        "join unnest(%s::text[], %s::text[], %s::bigint[]) as c (project_id, kind, space) "
        "on c.space = d.member_space",
        ([p for p, _ in counters], [k for _, k in counters],
         [member_space(p, k) for p, k in counters]))
    project.execute("drop table {schema}.analytics_member_ids")
    project.execute("alter table {schema}.old_ids rename to analytics_member_ids")
    project.execute("alter table {schema}.analytics_member_ids "
                    "add primary key (project_id, kind, member_key) include (member_id)")
    project.conn.execute(sql.SQL("comment on table {}.analytics_member_ids is {}").format(
        s, sql.Literal(comment)))
    # and its counters without spaces
    project.execute("alter table {schema}.analytics_member_counters drop column member_space")
    assert project.conn.execute(sql.SQL(
        "select count(*) from {}.analytics_member_ids").format(s)).fetchone()[0] == len(before)
    project.insert(make_events(rng, first, first + HOUR))
    at = first + HOUR + dt.timedelta(minutes=5)
    project.dbt_run(at)
    columns = [c for c, in project.conn.execute(
        "select attname from pg_attribute where attrelid = to_regclass(%s) and attnum > 0 "
        "and not attisdropped order by attnum",
        (f"{project.schema}.analytics_member_ids",)).fetchall()]
    assert columns == ["member_space", "member_key", "member_id"]
    assert before <= rows()
    # the counters got their spaces: the oracle's, one per project and kind
    spaces = project.conn.execute(sql.SQL(
        "select project_id, kind::text, member_space from {}.analytics_member_counters").format(
            s)).fetchall()
    assert len(spaces) == len(counters)
    assert all(space == member_space(p, k) for p, k, space in spaces)
    assert project.conn.execute(
        "select obj_description(to_regclass(%s), 'pg_class')",
        (f"{project.schema}.analytics_member_ids",)).fetchone()[0] == comment
    assert project.conn.execute(
        "select conname from pg_constraint where conrelid = to_regclass(%s) and contype = 'p'",
        (f"{project.schema}.analytics_member_ids",)).fetchone()[0] == "analytics_member_ids_pkey"
    check_all(project, at, "UTC")
    project.insert(make_events(rng, first + HOUR, first + 2 * HOUR))
    at = first + 2 * HOUR + dt.timedelta(minutes=5)
    project.refresh(at)
    check_all(project, at, "UTC")


@pytest.mark.parametrize("runner", ["dbt", "function"])
def test_lookback_hours_are_sliced_again_exactly_when_their_events_change(
        project: Project, runner: str) -> None:
    """A run slices again only the hours of its window whose events changed (their count or
    the sum of their hashes, analytics_event_fingerprint, against the stored slices'). Each
    change below keeps its hour's event count, and each is seen; a change that cleaning undoes
    changes nothing. The first build hashes nothing; the run after it sums its window. The last
    runs show that an unchanged hour is kept as stored (a slice spoiled behind the project's
    back stays spoiled), and that a re-aggregation range slices the hours it names again all
    the same."""
    rng = random.Random(11)
    variables = {"rollup_time_zone": TZ}  # Kolkata: days start at 18:30 UTC

    def hour_events(hour: dt.datetime) -> list[dict]:
        fixed = [{"project_id": "p1", "visitor_id": "x", "session_id": "swap-me",
                  "event_type": "impression", "event_label": "cta",
                  "created_at": hour + dt.timedelta(minutes=5)},
                 {"project_id": "p2", "visitor_id": "y", "session_id": None,
                  "event_type": "interaction", "event_label": None,
                  "created_at": hour + dt.timedelta(minutes=10)}]
        return make_events(rng, hour, hour + HOUR) + fixed

    def event_of(hour: dt.datetime, condition: str) -> int:
        return project.conn.execute(sql.SQL(
            "select id from {}.analytics_events where created_at >= %s and created_at < %s "
            "and " + condition + " order by id limit 1").format(project.ident),
            (hour, hour + HOUR)).fetchone()[0]

    def change(hour: dt.datetime) -> None:
        """One change of the hour that keeps its event count, another each run."""
        if hour.hour == 18:
            # 18:10 -> 18:40 UTC, the same UTC hour: from 2026-03-02 to 03-03 in Kolkata
            project.execute("update {schema}.analytics_events set created_at = %s where id = %s",
                            (hour + dt.timedelta(minutes=40), event_of(hour, "visitor_id = 'y'")))
        elif hour.hour == 19:
            project.execute("update {schema}.analytics_events set visitor_id = 'someone-else' "
                            "where id = %s", (event_of(hour, "visitor_id = 'x'"),))
        elif hour.hour == 20:
            # one event erased, another with a label of a comma and quotes written
            project.execute("delete from {schema}.analytics_events where id = %s",
                            (event_of(hour, "visitor_id = 'x'"),))
            project.insert([{"project_id": "p1", "visitor_id": "x", "session_id": "swap-me",
                             "event_type": "impression", "event_label": 'cta, "b"',
                             "created_at": hour + dt.timedelta(minutes=5)}])
        elif hour.hour == 21:
            # two events of two labels trade their sessions: only the label sets change
            pair = (event_of(hour, "session_id = 'loyal-s'"),
                    event_of(hour, "session_id = 'swap-me'"))
            project.execute(
                "update {schema}.analytics_events as e set session_id = o.session_id "
                "from {schema}.analytics_events as o where (e.id, o.id) in ((%s, %s), (%s, %s))",
                (*pair, *pair[::-1]))
        elif hour.hour == 22:
            # NULL -> blank: cleaned the same, so the hour has not changed
            project.execute("update {schema}.analytics_events set event_label = ' ' "
                            "where id = %s", (event_of(hour, "visitor_id = 'y'"),))

    first = ts("2026-03-02 19:05")
    project.insert(make_events(rng, START, hour_of(first) - HOUR)
                   + hour_events(hour_of(first) - HOUR))
    run(project, "dbt", first, variables)

    def hashed() -> list[tuple]:
        return project.conn.execute(sql.SQL(
            "select hour_bucket, bool_and(event_fingerprint is not null), "
            "bool_or(event_fingerprint is not null) from {}.analytics_events_hourly_slices "
            "group by 1").format(project.ident)).fetchall()

    # a first build hashes nothing; the next run slices its window again and sums it
    assert len(hashed()) > 24 and not any(some for _, _, some in hashed())
    as_of = first
    for step in range(5):  # 20:05 ... 00:05: each changes the hour before the new one
        as_of += HOUR
        project.insert(hour_events(hour_of(as_of) - HOUR))
        change(hour_of(as_of) - 2 * HOUR)
        run(project, runner, as_of, variables)
        check_all(project, as_of, TZ)
        if step == 0:
            assert all(every == some == (hour >= hour_of(as_of) - 2 * HOUR)
                       for hour, every, some in hashed())

    # the 01:05 run's stored hour (23:00), spoiled behind the project's back
    spoiled = hour_of(as_of) - HOUR
    project.execute("update {schema}.analytics_events_hourly_slices set visitor_keys = '{{}}' "
                    "where hour_bucket = %s", (spoiled,))
    as_of += HOUR
    project.insert(hour_events(hour_of(as_of) - HOUR))
    run(project, runner, as_of, variables)
    visitors = project.conn.execute(sql.SQL(
        "select max(cardinality(visitor_keys)), count(*) from {}.analytics_events_hourly_slices "
        "where hour_bucket = %s").format(project.ident), (spoiled,)).fetchone()
    assert visitors[0] == 0 and visitors[1] > 0, "the unchanged hour was sliced again"
    run(project, runner, as_of, variables, **{"from": spoiled, "to": spoiled + HOUR})
    check_all(project, as_of, TZ)


HOUR_TABLES = ["analytics_events_hourly_agg", "analytics_events_hourly_type_agg",
               "analytics_events_project_hourly_sets"]


def spoil_hour_tables(project: Project, hour: dt.datetime) -> None:
    """Every hour table's visitors of the hour made wrong behind the project's back (its event
    counts kept: rows deleted or counts changed are seen, see below)."""
    for table in HOUR_TABLES:
        measure = ("visitor_keys = '0'::bit(32)::varbit" if table.endswith("_sets")
                   else "unique_visitors = 0")
        project.execute("update {schema}." + table + " set " + measure
                        + " where hour_bucket = %s", (hour,))


def spoiled_hour_tables(project: Project, hour: dt.datetime) -> list[str]:
    return [table for table in HOUR_TABLES if project.conn.execute(sql.SQL(
        "select bool_and(" + ("bit_count(visitor_keys) = 0" if table.endswith("_sets")
                              else "unique_visitors = 0")
        + ") from {}.{} where hour_bucket = %s").format(
            project.ident, sql.Identifier(table)), (hour,)).fetchone()[0]]


@pytest.mark.parametrize("runner", ["dbt", "function"])
def test_hour_tables_make_again_exactly_the_hours_whose_slices_changed(
        project: Project, runner: str) -> None:
    """The hour tables (the hourly table, the per-type hours, the project hourly sets) start
    their window at the first hour whose slices' count or fingerprint sum differs from the one
    they were made from (analytics_hour_fingerprints): an hour the slices kept is not made
    again (its visitors, spoiled behind the project's back, stay spoiled), while an hour with a
    late event is, and so are an hour whose rows were cut or emptied by hand (their sum no
    longer the recorded count) and an hour whose events were all erased (its rows vanish). A
    re-aggregation range makes every hour it names again. Checked against the oracle."""
    rng = random.Random(17)
    variables = {"rollup_time_zone": TZ}
    as_of = ts("2026-03-02 20:05")
    project.insert(make_events(rng, START, hour_of(as_of)))
    run(project, "dbt", as_of - 2 * HOUR, variables)  # the first build: no fingerprints
    run(project, runner, as_of - HOUR, variables)     # sums the slices: both hours made again
    run(project, runner, as_of, variables)
    check_all(project, as_of, TZ)

    # the 21:05 run: the lookback's hour (19:00) is unchanged, its spoiled rows stay spoiled
    kept = hour_of(as_of) - HOUR
    spoil_hour_tables(project, kept)
    as_of += HOUR
    project.insert(make_events(rng, hour_of(as_of) - HOUR, hour_of(as_of)))
    run(project, runner, as_of, variables)
    assert spoiled_hour_tables(project, kept) == HOUR_TABLES, "an unchanged hour was made again"
    run(project, runner, as_of, variables, **{"from": kept, "to": kept + HOUR})
    check_all(project, as_of, TZ)

    # the 22:05 run: a late event in the lookback's hour (20:00): made again, exact
    late = hour_of(as_of) - HOUR
    spoil_hour_tables(project, late)
    project.insert([{"project_id": "p1", "visitor_id": "late", "session_id": "late-s",
                     "event_type": "impression", "event_label": None,
                     "created_at": late + dt.timedelta(minutes=59)}])
    as_of += HOUR
    project.insert(make_events(rng, hour_of(as_of) - HOUR, hour_of(as_of)))
    run(project, runner, as_of, variables)
    assert spoiled_hour_tables(project, late) == []
    check_all(project, as_of, TZ)

    # the 23:05 run: the lookback's hour (21:00) cut by hand in one table and emptied in
    # another (their records and slices unchanged): both made again
    cut = hour_of(as_of) - HOUR
    project.execute("delete from {schema}.analytics_events_hourly_agg where ctid = (select ctid "
                    "from {schema}.analytics_events_hourly_agg where hour_bucket = %s limit 1)",
                    (cut,))
    project.execute("delete from {schema}.analytics_events_project_hourly_sets "
                    "where hour_bucket = %s", (cut,))
    as_of += HOUR
    project.insert(make_events(rng, hour_of(as_of) - HOUR, hour_of(as_of)))
    run(project, runner, as_of, variables)
    check_all(project, as_of, TZ)

    # the 00:05 run: every event of the lookback's hour (22:00) erased: its rows vanish
    erased = hour_of(as_of) - HOUR
    project.execute("delete from {schema}.analytics_events where created_at >= %s "
                    "and created_at < %s", (erased, erased + HOUR))
    as_of += HOUR
    project.insert(make_events(rng, hour_of(as_of) - HOUR, hour_of(as_of)))
    run(project, runner, as_of, variables)
    for table in HOUR_TABLES:
        assert project.conn.execute(sql.SQL(
            "select count(*) from {}.{} where hour_bucket = %s").format(
                project.ident, sql.Identifier(table)), (erased,)).fetchone()[0] == 0
    check_all(project, as_of, TZ)
