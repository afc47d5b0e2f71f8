#!/usr/bin/env bash
# Run a command against the project's database: the one the PG* variables name, or, when PGHOST is
# unset, the throwaway local cluster (created and started on demand by scripts/local_pg.sh).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "${PGHOST:-}" ]; then
    "$here/local_pg.sh" ensure
    eval "$("$here/local_pg.sh" env)"
fi
export DBT_TARGET=${DBT_TARGET:-dev}
exec "$@"
