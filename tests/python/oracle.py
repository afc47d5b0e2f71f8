"""An independent oracle: the aggregates computed in plain Python from the raw rows.

Nothing here imports or renders the project's SQL. It encodes the rules of the README
(› Bad input): labels that are NULL, empty or whitespace-only mean "no label", and a label over
1000 bytes is its first 200 characters, '…' and its md5; rows without (or with a blank) project,
type or time, with a project or type over 200 bytes, or dated before 2000 or in the future are left
out; a blank visitor or session id is none, one over 200 bytes counts as 'md5:' and its md5; an hour
is the UTC hour of created_at; distinct counts ignore NULL ids.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable

UTC = dt.UTC
HOUR = dt.timedelta(hours=1)
WHITESPACE = " \t\n\r\f\v"

Key = tuple[str, str, str | None, dt.datetime]
Numbers = tuple[int, int, int]


EARLIEST = dt.datetime(2000, 1, 1, tzinfo=UTC)
MAX_KEY_BYTES = 200
MAX_LABEL_BYTES = 1000


def _blank(value: object) -> bool:
    return value is None or str(value).strip(WHITESPACE) == ""


def _md5(value: str) -> str:
    return hashlib.md5(value.encode()).hexdigest()


def clean_label(label: str | None) -> str | None:
    if _blank(label):
        return None
    if len(label.encode()) > MAX_LABEL_BYTES:
        return label[:200] + "…" + _md5(label)
    return label


def member_key(value: str | None) -> str | None:
    if _blank(value):
        return None
    if len(value.encode()) > MAX_KEY_BYTES:
        return "md5:" + _md5(value)
    return value


def clean(row: dict, now: dt.datetime | None = None) -> dict | None:
    """The row as it is aggregated, or None when it cannot be (README › Bad input)."""
    now = now or dt.datetime.now(UTC)
    project, etype, at = row["project_id"], row["event_type"], row["created_at"]
    if _blank(project) or _blank(etype) or at is None:
        return None
    if len(str(project).encode()) > MAX_KEY_BYTES or len(etype.encode()) > MAX_KEY_BYTES:
        return None
    if at < EARLIEST or at > now + dt.timedelta(minutes=5):
        return None
    return {**row, "project_id": str(project), "event_label": clean_label(row["event_label"]),
            "visitor_id": member_key(row["visitor_id"]),
            "session_id": member_key(row["session_id"])}


def hour_of(ts: dt.datetime) -> dt.datetime:
    return ts.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def aggregate(rows: Iterable[dict], hours: set[dt.datetime] | None = None,
              bucket=hour_of) -> dict[Key, Numbers]:
    """{(project, type, label, bucket): (events, distinct visitors, distinct sessions)}."""
    counts: dict[Key, int] = defaultdict(int)
    visitors: dict[Key, set] = defaultdict(set)
    sessions: dict[Key, set] = defaultdict(set)
    for row in filter(None, map(clean, rows)):
        if hours is not None and hour_of(row["created_at"]) not in hours:
            continue
        key = (row["project_id"], row["event_type"], row["event_label"],
               bucket(row["created_at"]))
        counts[key] += 1
        if row["visitor_id"] is not None:
            visitors[key].add(row["visitor_id"])
        if row["session_id"] is not None:
            sessions[key].add(row["session_id"])
    return {k: (n, len(visitors[k]), len(sessions[k])) for k, n in counts.items()}


class HourlyOracle:
    """Replays the documented window rules run by run, over the raw rows as they are then."""

    def __init__(self, lookback_hours: int = 2, backfill_days: int = 90) -> None:
        self.lookback = dt.timedelta(hours=lookback_hours)
        self.backfill = dt.timedelta(days=backfill_days)
        self.table: dict[Key, Numbers] = {}
        self.built = False

    def window(self, as_of: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        end = hour_of(as_of)
        if not self.built:
            return end - self.backfill, end
        newest = max((k[3] for k in self.table), default=None)
        first_missing = newest + HOUR if newest is not None else end - self.backfill
        return min(end - self.lookback, first_missing), end

    def run(self, rows: list[dict], as_of: dt.datetime,
            extra_hours: Iterable[dt.datetime] = ()) -> None:
        start, end = self.window(as_of)
        hours = set()
        h = start
        while h < end:
            hours.add(h)
            h += HOUR
        hours |= {x for x in extra_hours if x < end}
        self.table = {k: v for k, v in self.table.items() if k[3] not in hours}
        self.table.update(aggregate(rows, hours))
        self.built = True

    def reaggregate(self, rows: list[dict], start: dt.datetime, stop: dt.datetime,
                    as_of: dt.datetime) -> None:
        end = min(hour_of(as_of), hour_of(stop - dt.timedelta(microseconds=1)) + HOUR)
        hours = set()
        h = hour_of(start)
        while h < end:
            hours.add(h)
            h += HOUR
        self.table = {k: v for k, v in self.table.items() if k[3] not in hours}
        self.table.update(aggregate(rows, hours))


@functools.cache
def bucket_of(grain: str, tz: str = "UTC"):
    """The bucket function of a grain: UTC hour, or local day / ISO week (Monday) / month in
    `tz`."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)

    def bucket(ts: dt.datetime) -> dt.datetime:
        # remembered per UTC instant: two local times that differ in `fold` alone (an hour
        # apart, at a DST fall-back) compare and hash equal
        return utc_bucket(ts.astimezone(UTC))

    @functools.cache
    def utc_bucket(ts: dt.datetime) -> dt.datetime:
        if grain == "hour":
            return hour_of(ts)
        local = ts.astimezone(zone)
        day = local.date()
        if grain == "week":
            day = day - dt.timedelta(days=day.weekday())
        elif grain == "month":
            day = day.replace(day=1)
        return dt.datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)

    return bucket


def truth(rows: Iterable[dict], as_of: dt.datetime, grain: str, tz: str = "UTC",
          since: dt.datetime | None = None) -> dict[Key, Numbers]:
    """What a bucket table must hold once every run has seen every change: the raw events of
    completed hours (before the hour of as_of), in buckets starting at or after `since`."""
    end = hour_of(as_of)
    bucket = bucket_of(grain, tz)
    kept = [r for r in rows if r["created_at"] is not None and r["created_at"] < end]
    table = aggregate(kept, bucket=bucket)
    return {k: v for k, v in table.items() if since is None or k[3] >= since}


_WORD = 0xFFFFFFFF
# the two seeds of a member key (README › Member sets): the fractional bits of sqrt(2) and
# sqrt(3), as PostgreSQL's signed bigints
KEY_SEEDS = (0x6A09E667F3BCC908, 0xBB67AE8584CAA73B)


def _rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (32 - k))) & _WORD


def _mix(a: int, b: int, c: int) -> tuple[int, int, int]:
    for r1, r2, r3 in ((4, 6, 8), (16, 19, 4)):
        a = ((a - c) & _WORD) ^ _rotl(c, r1)
        c = (c + b) & _WORD
        b = ((b - a) & _WORD) ^ _rotl(a, r2)
        a = (a + c) & _WORD
        c = ((c - b) & _WORD) ^ _rotl(b, r3)
        b = (b + a) & _WORD
    return a, b, c


def _final(a: int, b: int, c: int) -> tuple[int, int, int]:
    for r1, r2, r3 in ((14, 11, 25), (16, 4, 14)):
        c = ((c ^ b) - _rotl(b, r1)) & _WORD
        a = ((a ^ c) - _rotl(c, r2)) & _WORD
        b = ((b ^ a) - _rotl(a, r3)) & _WORD
    c = ((c ^ b) - _rotl(b, 24)) & _WORD
    return a, b, c


def hash_bytes_extended(key: bytes, seed: int) -> int:
    """PostgreSQL's hash_bytes_extended (Bob Jenkins' lookup3 with a 64-bit seed, as in
    src/common/hashfn.c, little-endian), written from its description: what
    hashtextextended(text collate "C", seed) returns, as an unsigned 64-bit number."""
    a = b = c = (0x9E3779B9 + len(key) + 3923095) & _WORD
    if seed:
        a, b, c = _mix((a + (seed >> 32)) & _WORD, (b + (seed & _WORD)) & _WORD, c)
    whole = len(key) - len(key) % 12
    for i in range(0, whole, 12):
        x, y, z = (int.from_bytes(key[j:j + 4], "little") for j in (i, i + 4, i + 8))
        a, b, c = _mix((a + x) & _WORD, (b + y) & _WORD, (c + z) & _WORD)
    rest = key[whole:] + bytes(12 - (len(key) - whole))
    x, y, z = (int.from_bytes(rest[j:j + 4], "little") for j in (0, 4, 8))
    # the last up to 11 bytes; the lowest byte of c is left to the length
    a, b, c = _final((a + x) & _WORD, (b + y) & _WORD, (c + (z << 8)) & _WORD)
    return (b << 32) | c


@functools.cache
def digest(member: str) -> uuid.UUID:
    """The 128-bit key a cleaned visitor or session id is known by in the member dictionary
    (README › Member sets): the two hashes of its UTF-8 bytes, each as 8 bytes, in order.
    Remembered per id: the tests compare every table after every run, and the hash in Python
    was a third of their time."""
    return uuid.UUID(bytes=b"".join(
        hash_bytes_extended(member.encode(), seed).to_bytes(8, "big") for seed in KEY_SEEDS))


# the seeds of a member space (analytics_member_space), a project and kind's part of the
# dictionary's key: the fractional bits of sqrt(5) (visitors) and sqrt(7) (sessions)
SPACE_SEEDS = {"v": 0x3C6EF372FE94F82B, "s": 0xA54FF53A5F1D36F1}


def member_space(project_id: str, kind: str) -> int:
    """The member space of a project and kind ('v', 's'): hashtextextended of the project
    id's bytes with the kind's seed, as PostgreSQL's signed bigint."""
    value = hash_bytes_extended(project_id.encode(), SPACE_SEEDS[kind])
    return value - (1 << 64) if value >= 1 << 63 else value


def legacy_digest(member: str) -> uuid.UUID:
    """The key of a dictionary an older release filled: md5 of the cleaned id."""
    return uuid.UUID(hashlib.md5(member.encode()).hexdigest())


def key_sets(rows: Iterable[dict], as_of: dt.datetime, grain: str, tz: str = "UTC",
             dims: tuple[str, ...] = ("project_id", "event_type", "event_label"),
             closed: bool = False) -> dict[tuple, tuple[int, list, list]]:
    """{(*dims, bucket): (events, sorted visitor keys, sorted session keys)} of completed hours:
    what a member-set table must hold; with `closed` (a table that keeps ended buckets only),
    only the buckets that ended by as_of's hour."""
    end = hour_of(as_of)
    bucket = bucket_of(grain, tz)
    open_from = bucket(end) if closed else end
    counts: dict[tuple, int] = defaultdict(int)
    visitors: dict[tuple, set] = defaultdict(set)
    sessions: dict[tuple, set] = defaultdict(set)
    for r in filter(None, map(clean, rows)):
        if r["created_at"] >= end or bucket(r["created_at"]) >= open_from:
            continue
        key = (*(r[d] for d in dims), bucket(r["created_at"]))
        counts[key] += 1
        if r["visitor_id"] is not None:
            visitors[key].add(digest(r["visitor_id"]))
        if r["session_id"] is not None:
            sessions[key].add(digest(r["session_id"]))
    return {k: (n, sorted(visitors[k]), sorted(sessions[k])) for k, n in counts.items()}
