#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server: `tests/with_postgres.sh COMMAND...`.
#
# The server lives in a temporary folder, listens on a free loopback port, runs as an unprivileged user (as root,
# the user `nobody`; PostgreSQL refuses to run as root) and is stopped and deleted when the command ends. The
# command sees CONTINUUM_TEST_POSTGRES, a SQLAlchemy URL of the server's maintenance database; the tests make a
# database of their own on it for each test. Debian's `postgresql` is installed when its binaries are missing.
set -euo pipefail

find_bin() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$found" ] && [ -x "$found/initdb" ]; then echo "$found"; return; fi
    command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)"
}

BIN=$(find_bin || true)
if [ -z "$BIN" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "Installing Debian's postgresql for the tests"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        BIN=$(find_bin)
    else
        echo "error: PostgreSQL's server binaries are missing; install Debian's postgresql (as root)" >&2
        exit 1
    fi
fi

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DIR=$(mktemp -d /tmp/continuum-pg.XXXXXX)
AS=()
if [ "$(id -u)" = 0 ]; then
    chown nobody "$DIR"
    AS=(runuser -u nobody --)
fi

stop() {
    "${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap stop EXIT

"${AS[@]}" "$BIN/initdb" -D "$DIR/data" -U continuum -A trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
# A test server: durability traded for speed (the data is deleted afterwards anyway).
"${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$DIR/server.log" >&2; exit 1; }
echo "Throwaway PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"

export CONTINUUM_TEST_POSTGRES="postgresql+psycopg://continuum@127.0.0.1:$PORT/postgres"
"$@"
