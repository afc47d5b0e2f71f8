"""A model's declaration (the `analytics` dict at the top of its file) made wrong: each way is
refused by name before anything runs, and a model that names another in analytics_run_context
stops the parse."""

from __future__ import annotations

import ast
import datetime as dt
import json
import re

import pytest
from analytics_db import ROOT, dbt
from conftest import Project, project_copy

# a declaration is checked while dbt compiles, before any SQL reaches the server
pytestmark = pytest.mark.same_on_every_major


DECLARATION = re.compile(r"\{%- set analytics = \{\n.*?\n\} -%\}\n", re.S)
# the names macros/spec/analytics_dimensions.sql declares, as a model's declaration uses them
DIMENSIONS = re.findall(r"\{'name': '([a-z_0-9]+)'", (
    ROOT / "macros" / "spec" / "analytics_dimensions.sql").read_text())

# (model, its declaration changed, the error that must name what is wrong)
WRONG_DECLARATIONS = [
    ("analytics_events_daily_sets", {"grain": "month"},
     "grain must be hour, utc_day, day or week (macros/spec/analytics_grain.sql), got month"),
    ("analytics_events_daily_sets", {"grian": "day"}, "unknown key 'grian'"),
    ("analytics_events_weekly_agg", {"unique": ["week_bucket", "project_id", "event_type"]},
     "unique must list distinct columns including week_bucket and every nullable key"),
    ("analytics_events_daily_agg", {"unique": ["hour_bucket", "project_id", "event_type",
                                               "event_label"]},
     "unique must list distinct columns including day_bucket"),
    ("analytics_events_daily_agg", {"unique": ["day_bucket", "project_id", "project_id",
                                               "event_label"]},
     "unique must list distinct columns"),
    ("analytics_events_hourly_slices", {"kept_for": ["analytics_events_hourly_live"]},
     "kept_for 'analytics_events_hourly_live', which is not a maintained model"),
    ("analytics_events_project_daily_sets", {"build": "event_sets"},
     "a build 'event_sets' model reads no maintained model, it refs "
     "analytics_events_project_hourly_sets"),
    ("analytics_events_hourly_slices", {"build": "sets"},
     "a build 'sets' model reads exactly one maintained model, it refs none"),
    ("analytics_events_project_daily_sets", {"closed_buckets": "yes"},
     "closed_buckets is true or false, and only for a day or week grain"),
    ("analytics_events_project_hourly_sets", {"closed_buckets": True},
     "closed_buckets is true or false, and only for a day or week grain"),
    ("analytics_events_hourly_slices", {"grain": "day", "closed_buckets": True},
     "that is kept for no reader, got True for grain day"),
    ("analytics_events_weekly_visitor_sets", {"members": ["visitors"]},
     "members lists visitor, session or both, in that order"),
    ("analytics_events_weekly_visitor_sets", {"members": "visitor"},
     "members lists visitor, session or both, in that order"),
    ("analytics_events_weekly_visitor_sets", {"members": []},
     "members lists visitor, session or both, in that order"),
    ("analytics_events_weekly_visitor_sets", {"members": ["session", "visitor"]},
     "members lists visitor, session or both, in that order"),
    ("analytics_events_weekly_visitor_sets", {"members": ["visitor", "visitor"]},
     "members lists visitor, session or both, in that order"),
    ("analytics_events_daily_agg", {"members": ["visitor"]},
     "only a build 'sets' model keeps fewer than both, got ['visitor']"),
]


@pytest.mark.parametrize(("model", "change", "message"), WRONG_DECLARATIONS)
def test_a_wrong_model_declaration_is_refused_by_name(project: Project, model: str,
                                                      change: dict, message: str) -> None:
    """What a model is, declared once at the top of its file (meta.analytics), is checked before
    any SQL is made from it: a grain, key or build that would make wrong SQL stops with what is
    wrong. The declaration as the model file has it, with one entry changed, is given to
    analytics_model_spec as analytics_run_context gives it."""
    text = (ROOT / "models" / "marts" / f"{model}.sql").read_text()
    declared = DECLARATION.match(text)
    assert declared, f"{model}: the declaration opens the model file"
    python = declared.group(0)[len("{%- set analytics = "):-len(" -%}\n")]
    # the dict the model declares, with the declared dimensions' names spelled out
    python = python.replace("] + analytics_dimensions('name')", "".join(
        f", {d!r}" for d in DIMENSIONS) + "]").replace("analytics_dimensions('name')",
                                                       repr(DIMENSIONS))
    spec = ast.literal_eval(python.replace("true", "True"))
    args = {"model_name": model, "declared": {**spec, **change}}
    ok = dbt(["run-operation", "analytics_model_spec", "--args",
              json.dumps({"model_name": model, "declared": spec})], project.schema, check=False)
    assert ok.returncode == 0, ok.stdout[-3000:]
    result = dbt(["run-operation", "analytics_model_spec", "--args", json.dumps(args)],
                 project.schema, check=False)
    assert result.returncode != 0
    assert message in result.stdout, result.stdout[-3000:]


def test_a_model_that_names_another_in_analytics_run_context_stops_the_parse(project: Project,
                                                                       tmp_path) -> None:
    """A model file calling analytics_run_context with another model's name (a copy-paste slip)
    stops `dbt parse` with both names."""
    copy = project_copy(tmp_path)
    path = copy / "models" / "marts" / "analytics_events_weekly_type_agg.sql"
    text = path.read_text()
    assert "analytics_run_context('analytics_events_weekly_type_agg'" in text
    path.write_text(text.replace("analytics_run_context('analytics_events_weekly_type_agg'",
                                 "analytics_run_context('analytics_events_daily_type_agg'"))
    result = dbt(["parse", "--project-dir", str(copy)], project.schema,
                 target_path=str(tmp_path / "target"), check=False)
    assert result.returncode != 0
    assert ("analytics_run_context('analytics_events_daily_type_agg') is called in model "
            "'analytics_events_weekly_type_agg': pass the model's own name") in result.stdout


def test_the_benchmark_never_refreshes_at_a_future_as_of() -> None:
    """scripts/bench.py's schemas end at hours whose refreshes have all passed when it starts:
    a `make test` started on a Sunday at 23:54 UTC once failed in its smoke benchmark, the
    function refusing Monday 00:05 (more than 5 minutes ahead of now()). Every minute of a
    week."""
    from bench import bench_times

    week = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)  # a Monday
    for minute in range(7 * 24 * 60):
        clock = week + dt.timedelta(minutes=minute, seconds=minute % 60)
        end, sunday, day_start = bench_times(clock)
        assert (end.weekday(), end.hour, end.minute) == (0, 23, 0), clock
        assert (sunday.weekday(), sunday.hour, sunday.minute) == (6, 23, 0), clock
        # the runs: Monday 23:05 (end); Sunday 23:05 and Monday 00:05 (sunday); 01:05 to the
        # next day's 00:05 (day_start)
        for as_of in (end + dt.timedelta(minutes=5), sunday + dt.timedelta(minutes=5),
                      sunday + dt.timedelta(hours=1, minutes=5),
                      day_start + dt.timedelta(days=1, minutes=5)):
            assert as_of <= clock + dt.timedelta(minutes=5), (clock, as_of)
        # the latest such hours: a week later would not pass
        assert clock - end < dt.timedelta(days=7, minutes=5), clock
        assert clock - sunday < dt.timedelta(days=7, hours=1, minutes=5), clock
        assert day_start == clock.replace(hour=0, minute=0, second=0) - dt.timedelta(days=1)


def test_the_oracle_buckets_each_instant_of_a_dst_fall_back_apart() -> None:
    """The oracle remembers buckets per instant: 01:30 in New York on the night the clocks go
    back is two instants an hour apart, which Python compares and hashes as equal (they differ
    in `fold` alone), so a cache keyed by the local time would give the second the first's
    hour."""
    from zoneinfo import ZoneInfo

    from oracle import bucket_of

    zone = ZoneInfo("America/New_York")
    first = dt.datetime(2026, 11, 1, 1, 30, tzinfo=zone)
    second = first.replace(fold=1)
    assert first == second and hash(first) == hash(second)
    for grain, want in (("hour", ("2026-11-01T05:00:00+00:00", "2026-11-01T06:00:00+00:00")),
                        ("day", ("2026-11-01T04:00:00+00:00",) * 2)):
        bucket = bucket_of(grain, "America/New_York")
        assert (bucket(first).isoformat(), bucket(second).isoformat()) == want, grain
