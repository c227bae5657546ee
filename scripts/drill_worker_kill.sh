#!/usr/bin/env bash
# Fault drill (issue 17): kill -9 the qcluster worker in the middle of a report, twice (while
# building, and after the first file was written but before it was filed). The run must be
# delivered again by django-q2, end "done" on its second attempt with exactly its two
# Documents, and leave no orphan file in the media folder. Exits non-zero otherwise.
#
#   make drill-worker-kill          # or: scripts/drill_worker_kill.sh
#   DRILL_DB=zo_drill_2 scripts/drill_worker_kill.sh
#
# Uses its own PostgreSQL database (DRILL_DB, zo_drill: dropped and created again; the server
# itself is never restarted) and a private VAR_DIR (media, logs), removed unless DRILL_KEEP=1.
# DRILL_DATABASE_URL=sqlite:////tmp/drill.sqlite3 runs it on SQLite instead.
set -euo pipefail
cd "$(dirname "$0")/.."

PG=${DRILL_PG:-postgres://postgres@127.0.0.1:5432}
DRILL_DB=${DRILL_DB:-zo_drill}
export DJANGO_SETTINGS_MODULE=config.settings.drill
export VAR_DIR=${DRILL_VAR_DIR:-$(mktemp -d /tmp/zo-drill.XXXXXX)}
unset REDIS_URL MEDIA_ROOT
if [ -n "${DRILL_DATABASE_URL:-}" ]; then
  export DATABASE_URL=$DRILL_DATABASE_URL
else
  psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $DRILL_DB" -c "CREATE DATABASE $DRILL_DB"
  export DATABASE_URL="$PG/$DRILL_DB"
fi
set +e
.venv/bin/python loadtest/drill_worker_kill.py
status=$?
set -e
if [ "${DRILL_KEEP:-0}" != 1 ] && [ -z "${DRILL_VAR_DIR:-}" ]; then rm -rf "$VAR_DIR"; fi
exit $status
