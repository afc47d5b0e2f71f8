#!/usr/bin/env bash
# The throwaway local PostgreSQL cluster that `make demo` and `make test` use when PGHOST is unset.
#
#   scripts/local_pg.sh ensure   install the server and pg_cron if missing, create and start the
#                                cluster (inside the project folder, git-ignored) if needed
#   scripts/local_pg.sh env      print the PG* export lines for the running cluster
#   scripts/local_pg.sh stop     stop the cluster
#   scripts/local_pg.sh clean    stop it and delete its folder
#
# The cluster listens on 127.0.0.1 on a free port, trusts local connections (it is throwaway, never
# use these settings elsewhere), preloads pg_cron and serves the database $LOCAL_PGDATABASE.
set -euo pipefail

cmd=${1:-ensure}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pg_version=${PG_VERSION:-15}
bindir=/usr/lib/postgresql/$pg_version/bin
dbname=${LOCAL_PGDATABASE:-analytics}

say() { echo "local_pg: $*" >&2; }

as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The state folder lives in the project unless the postgres user cannot reach it (a checkout under
# a private home directory, say); then it goes to /tmp under a name derived from the project path.
state_dir() {
    local dir=$root/.pgdata
    if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$root"; then
        dir=/tmp/analytics-agg-pg-$(printf '%s' "$root" | md5sum | cut -c1-12)
    fi
    printf '%s\n' "$dir"
}

state=$(state_dir)
data=$state/cluster
portfile=$state/port

install_packages() {
    local missing=()
    [ -x "$bindir/postgres" ] || missing+=("postgresql-$pg_version")
    [ -f "/usr/lib/postgresql/$pg_version/lib/pg_cron.so" ] || missing+=("postgresql-$pg_version-cron")
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
    local port
    port=$(free_port)
    as_pg tee -a "$data/postgresql.conf" >/dev/null <<EOF

# --- analytics-events-agg: throwaway local cluster ---
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$state'
shared_preload_libraries = 'pg_cron'
cron.database_name = '$dbname'
cron.host = '127.0.0.1'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
log_min_messages = warning
EOF
    echo "$port" | as_pg tee "$portfile" >/dev/null
}

start_cluster() {
    is_running && return 0
    say "starting PostgreSQL $pg_version on 127.0.0.1:$(cat "$portfile")"
    as_pg "$bindir/pg_ctl" -D "$data" -l "$state/postgres.log" -w -t 60 start >/dev/null
}

create_database() {
    local port
    port=$(cat "$portfile")
    if [ -z "$("$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
        "select 1 from pg_database where datname = '$dbname'")" ]; then
        "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres "$dbname"
    fi
    "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d "$dbname" -q -v ON_ERROR_STOP=1 \
        -c "set client_min_messages = warning" -c "create extension if not exists pg_cron" >/dev/null
}

case "$cmd" in
ensure)
    install_packages
    init_cluster
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
    echo "usage: $0 ensure|env|stop|clean" >&2
    exit 2
    ;;
esac
