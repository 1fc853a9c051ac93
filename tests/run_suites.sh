#!/usr/bin/env bash
# Runs a test command on SQLite and on a throwaway PostgreSQL server (tests/with_postgres.sh) at the same time:
# `tests/run_suites.sh .venv/bin/python -m pytest ...`. Each line of output says which database it is from; the
# run fails when either does.
set -uo pipefail
cd "$(dirname "$0")/.."

"$@" 2>&1 | sed -u 's/^/[sqlite]     /' &
sqlite=$!
tests/with_postgres.sh "$@" 2>&1 | sed -u 's/^/[postgresql] /'
postgres=$?
wait "$sqlite"
sqlite=$?

echo "SQLite: $([ "$sqlite" = 0 ] && echo passed || echo "FAILED ($sqlite)");" \
     "PostgreSQL: $([ "$postgres" = 0 ] && echo passed || echo "FAILED ($postgres)")"
[ "$sqlite" = 0 ] && [ "$postgres" = 0 ]
