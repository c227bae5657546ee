#!/usr/bin/env bash
# Drill (issue 17): "a 50,000-row file through the admin under gunicorn --timeout 30 with a
# qcluster running lands whole with no worker killed".
#
# Fresh PostgreSQL database DRILL_DB (zo_drill_import: only that one is dropped and created
# again) on 127.0.0.1:5432, a private VAR_DIR (media, logs, the CSV), config.settings.load
# (production with loopback values: DEBUG off, the second factor). Migrates, creates a
# programme manager with a TOTP device and a valid referrals CSV of ROWS rows (the bench's
# generator, bench/import_referrals.py, all 18 Comuni), starts `gunicorn config.wsgi --workers 2
# --timeout 30` and `manage.py qcluster`, then drives the admin over HTTP (urllib: the login
# form, the second-factor form, the upload, the run's stato.json, Conferma). Fails when upload
# or Conferma take 2 s or more, the run does not complete, the referrals are not ROWS, or
# gunicorn's log shows a WORKER TIMEOUT or a worker booted again. Stops what it started.
#
#   make drill-import-gunicorn          # or: scripts/drill_import_gunicorn.sh [ROWS]  (50000)
#   DRILL_KEEP=1 scripts/drill_import_gunicorn.sh 2000   # keep the folder and the database
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ROWS=${1:-50000}
PG=${DRILL_PG:-postgres://postgres@127.0.0.1:5432}
DRILL_DB=${DRILL_DB:-zo_drill_import}
PORT=${DRILL_PORT:-8766}
WORKERS=2
export DJANGO_SETTINGS_MODULE=config.settings.load
export VAR_DIR=$(mktemp -d /tmp/zo-drill-import.XXXXXX)
export DATABASE_URL="$PG/$DRILL_DB"
export Q_WORKERS=${Q_WORKERS:-1}
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
export DRILL_DIR=$VAR_DIR DRILL_URL="http://127.0.0.1:$PORT" DRILL_WORKERS=$WORKERS
export DRILL_GUNICORN_LOG=$VAR_DIR/logs/gunicorn.log
unset REDIS_URL MEDIA_ROOT STATIC_ROOT SIGNED_SCANS_ROOT
PY=$ROOT/.venv/bin/python
mkdir -p "$VAR_DIR/logs"

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${DRILL_KEEP:-0}" = 1 ]; then
    echo "(kept: $VAR_DIR, database $DRILL_DB)"
  else
    psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $DRILL_DB" 2>/dev/null || true
    rm -rf "$VAR_DIR"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== database $DRILL_DB (fresh), VAR_DIR $VAR_DIR"
psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $DRILL_DB" -c "CREATE DATABASE $DRILL_DB"
"$PY" manage.py migrate --noinput >"$VAR_DIR/logs/migrate.log"
"$PY" scripts/drill_import_gunicorn.py setup "$ROWS"

echo "== qcluster ($Q_WORKERS worker) and gunicorn ($WORKERS workers, --timeout 30) on 127.0.0.1:$PORT"
"$PY" manage.py qcluster >"$VAR_DIR/logs/qcluster.log" 2>&1 &
PIDS+=($!)
.venv/bin/gunicorn config.wsgi --workers "$WORKERS" --timeout 30 --bind "127.0.0.1:$PORT" \
  --access-logfile "$VAR_DIR/logs/access.log" --error-logfile "$DRILL_GUNICORN_LOG" &
PIDS+=($!)
for _ in $(seq 60); do
  curl -fsS --max-time 30 -o /dev/null "http://127.0.0.1:$PORT/admin/login/" && break
  sleep 1
done 2>/dev/null

echo "== the admin over HTTP: $ROWS rows"
set +e
"$PY" scripts/drill_import_gunicorn.py drive "$ROWS"
status=$?
set -e
if [ $status != 0 ]; then
  echo "-- gunicorn log (tail)"; tail -n 20 "$DRILL_GUNICORN_LOG" || true
  echo "-- qcluster log (tail)"; tail -n 20 "$VAR_DIR/logs/qcluster.log" || true
fi
exit $status
