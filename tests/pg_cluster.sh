#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the capture-store tests (trust auth, loopback only, no durability).
#
#   tests/pg_cluster.sh start [DIR] [PORT]   # prints the URL to export as OUTREACH_TEST_PG_URL
#   tests/pg_cluster.sh stop  [DIR]          # stops the server and removes DIR
#
# DIR defaults to /tmp/outreach-pg, PORT to 55432. initdb refuses to run as root, so as root the cluster
# belongs to the unprivileged "postgres" account (Debian's postgresql package creates it).
set -euo pipefail

action=${1:-}
dir=${2:-/tmp/outreach-pg}
port=${3:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

case "$action" in
start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_pg "$bin/initdb" -A trust -U postgres -E UTF8 -D "$dir/data" >"$dir/initdb.log"
    fi
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    as_pg "$bin/pg_isready" -h 127.0.0.1 -p "$port" -q
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    if [ -f "$dir/data/PG_VERSION" ]; then
        as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop [DIR] [PORT]" >&2
    exit 2
    ;;
esac
