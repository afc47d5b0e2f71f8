"""Print the project's Python dependencies from pyproject.toml, one per line (for pip -r)."""

import pathlib
import tomllib

root = pathlib.Path(__file__).resolve().parent.parent
with (root / "pyproject.toml").open("rb") as fh:
    print("\n".join(tomllib.load(fh)["project"]["dependencies"]))
