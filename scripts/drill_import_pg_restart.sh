#!/usr/bin/env bash
# Drill: PostgreSQL restarts DURING an import's write. Expect: nothing written, the run failed
# with the Italian message, the file kept for «Riprova» (then the retry imports it).
#
# It never touches the machine's own PostgreSQL: it starts a PRIVATE cluster (initdb in a
# temporary folder, port $DRILL_PORT, default 55432, as the `postgres` OS user because initdb
# refuses root), restarts that one, and deletes it at the end.
#
#   bash scripts/drill_import_pg_restart.sh [ROWS]      # default 20000 rows
set -euo pipefail
cd "$(dirname "$0")/.."
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PORT=${DRILL_PORT:-55432}
ROWS=${1:-20000}
DIR=$(mktemp -d /tmp/zo-drill-pg.XXXXXX)
chown postgres "$DIR"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap cleanup EXIT
as_pg "$PGBIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1" \
    -l "$DIR/log" -w start >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres zo_drill
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/zo_drill"
export DJANGO_SETTINGS_MODULE=config.settings.test VAR_DIR="$DIR/var"
mkdir -p "$DIR/var"
.venv/bin/python manage.py migrate --verbosity 0
PGLOG="$DIR/log" PGBIN="$PGBIN" PGDATA_DIR="$DIR/data" PORT="$PORT" SOCKDIR="$DIR" \
    .venv/bin/python scripts/drill_import_pg_restart.py "$ROWS"
