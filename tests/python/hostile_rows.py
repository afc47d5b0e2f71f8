"""Rows for the hostile-input and operator tests: one event with any value, a few days of
history, random incompressible text, and how many rows a warn-level dbt test reported."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from analytics_db import dbt
from conftest import Project, ts


def event(at: str | dt.datetime, **values: object) -> dict:
    row = {"project_id": "p1", "event_type": "impression", "event_label": "hero",
           "visitor_id": "v1", "session_id": "s1",
           "created_at": ts(at) if isinstance(at, str) else at}
    row.update(values)
    return row


def history(p: Project, days: int = 5) -> None:
    p.insert([event(f"2026-03-0{d} {h:02d}:20", visitor_id=f"v{h % 5}", session_id=f"s{d}{h}",
                    event_label=("hero", "cta", None)[h % 3])
              for d in range(1, days + 1) for h in range(0, 24, 2)])


def noise(size: int) -> str:
    """`size` characters of random text: incompressible, so TOAST cannot shrink it."""
    return secrets.token_urlsafe(size)[:size]


def warnings(p: Project, select: str) -> int:
    """How many rows a warn-level test reported (0 when it passed)."""
    out = dbt(["test", "--select", select], p.schema,
              {"app_schema": p.schema, "policy_schema": f"{p.schema}_private"},
              check=False).stdout
    found = re.search(r"Got (\d+) results?, configured to warn", out)
    assert found or "PASS" in out, out
    return int(found.group(1)) if found else 0
