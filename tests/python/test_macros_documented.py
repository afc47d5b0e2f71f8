"""Each folder's macros/<folder>/_macros.yml describes every macro of that folder with exactly
its arguments, so the documentation cannot drift from the code, and a reader finds a macro's
description beside it (dispatch bodies, `default__*`, are covered by the macro they
implement)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.same_on_every_major
MACRO = re.compile(r"\{%-?\s*macro\s+([a-z_0-9]+)\s*\((.*?)\)\s*-?%\}", re.S)
DEFAULT_VALUE = re.compile(r"\[[^\]]*\]|'[^']*'|\"[^\"]*\"")


def defined(folder: Path) -> dict[str, list[str]]:
    out = {}
    for path in sorted(folder.glob("*.sql")):
        for name, args in MACRO.findall(path.read_text()):
            if name.startswith("default__"):
                continue
            # defaults may be lists or strings holding commas: drop them before splitting
            args = DEFAULT_VALUE.sub("", args)
            names = [a.split("=")[0].strip() for a in args.split(",") if a.strip()]
            assert name not in out, f"macro {name} defined twice"
            out[name] = names
    return out


FOLDERS = sorted(p for p in (ROOT / "macros").iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_every_macro_and_argument_is_described_in_its_folder(folder: Path) -> None:
    doc = yaml.safe_load((folder / "_macros.yml").read_text())["macros"]
    documented = {m["name"]: [a["name"] for a in m.get("arguments", [])] for m in doc}
    assert len(documented) == len(doc), f"{folder.name}/_macros.yml describes a macro twice"
    code = defined(folder)
    assert sorted(set(code) - set(documented)) == [], "macros without a description here"
    assert sorted(set(documented) - set(code)) == [], "descriptions of macros not in this folder"
    for name, args in code.items():
        assert documented[name] == args, f"{name}: _macros.yml says {documented[name]}"
    assert all(m.get("description") for m in doc)


def test_no_macro_file_outside_a_folder() -> None:
    assert sorted(p.name for p in (ROOT / "macros").iterdir() if p.is_file()) == []


def test_one_macro_per_file_named_after_it() -> None:
    """Each macro is found by its name: macros/<concern>/<name>.sql holds that macro alone (and
    its dispatched default__<name>), in a folder by concern, none at the top level."""
    for path in sorted((ROOT / "macros").rglob("*.sql")):
        names = [n for n, _ in MACRO.findall(path.read_text())]
        rel = path.relative_to(ROOT / "macros")
        assert len(rel.parts) == 2, f"{rel}: macros live in a folder by concern"
        assert set(names) - {f"default__{path.stem}"} == {path.stem}, f"{rel} defines {names}"


RUNS_OR_RETURNS_DATA = re.compile(
    r"run_query\(|\{%-?\s*call\s+statement|adapter\.(execute|drop_relation|rename_relation|"
    r"cache_\w+)\(|return\(\s*[\[{]")


def test_sql_and_ctes_macros_only_write_sql() -> None:
    """The `_sql` and `_ctes` suffixes mean one thing (README › How the code is laid out): the
    macro writes SQL text for its caller to place in a statement; it runs no query, changes
    no relation and returns no list or dict."""
    writers = {}
    for path in sorted((ROOT / "macros").rglob("*.sql")):
        for name, _ in MACRO.findall(path.read_text()):
            if name.endswith(("_sql", "_ctes")):
                writers[name] = path
    assert "analytics_window_sql" in writers and "analytics_import_ctes" in writers
    offending = {name: match.group(0) for name, path in writers.items()
                 if (match := RUNS_OR_RETURNS_DATA.search(path.read_text()))}
    assert offending == {}
