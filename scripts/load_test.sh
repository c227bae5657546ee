#!/usr/bin/env bash
# The load test (issue 17): 50 simulated staff for LOAD_TIME (2m) against gunicorn (4 workers,
# config.settings.load = production with loopback values) + PostgreSQL + Redis + qcluster, all
# on 127.0.0.1. Creates a fresh database (LOAD_DB, zo_load), migrates it, loads the demo and
# the volume (loadtest/seed.py), starts and stops every process itself, prints p50/p95/p99 per
# page and the errors, and exits non-zero when a request failed or a list/inspect page has p95
# over LOAD_P95_MS (500). Locust lives in its own virtualenv (.venv-load, requirements-load.txt).
#
#   make load                       # or: scripts/load_test.sh
#   LOAD_TIME=5m LOAD_USERS=50 LOAD_REFERRALS=20000 scripts/load_test.sh
#   LOAD_REUSE_DB=1 scripts/load_test.sh     # skip the database rebuild of a previous run
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PG=${LOAD_PG:-postgres://postgres@127.0.0.1:5432}
LOAD_DB=${LOAD_DB:-zo_load}
PORT=${LOAD_PORT:-8765}
export DJANGO_SETTINGS_MODULE=config.settings.load
export DATABASE_URL="$PG/$LOAD_DB"
export REDIS_URL=${LOAD_REDIS_URL:-redis://127.0.0.1:6379/7}
export VAR_DIR=${LOAD_VAR_DIR:-$ROOT/var/load}
export LOAD_USERS_FILE=$VAR_DIR/loadtest-users.json
export CONN_MAX_AGE=${CONN_MAX_AGE:-60}
export Q_WORKERS=${Q_WORKERS:-1}
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
PY=$ROOT/.venv/bin/python
LOG=$VAR_DIR/logs
mkdir -p "$LOG"

if [ ! -x .venv-load/bin/locust ] || [ requirements-load.txt -nt .venv-load/bin/locust ]; then
  echo "== virtualenv .venv-load (locust)"
  python3 -m venv .venv-load
  .venv-load/bin/pip install --quiet --upgrade pip
  .venv-load/bin/pip install --quiet -r requirements-load.txt
  touch .venv-load/bin/locust
fi

if [ "${LOAD_REUSE_DB:-0}" != 1 ] || [ ! -f "$LOAD_USERS_FILE" ]; then
  echo "== database $LOAD_DB: fresh, migrated, demo + volume"
  psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $LOAD_DB" -c "CREATE DATABASE $LOAD_DB"
  rm -rf "$VAR_DIR/media"
  "$PY" manage.py migrate --noinput >"$LOG/migrate.log"
  "$PY" manage.py load_demo --i-know-this-is-not-production >"$LOG/demo.log"
fi
"$PY" loadtest/seed.py
redis-cli -u "$REDIS_URL" flushdb >/dev/null

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== qcluster and gunicorn (4 workers) on 127.0.0.1:$PORT"
"$PY" manage.py qcluster >"$LOG/qcluster.log" 2>&1 &
PIDS+=($!)
.venv/bin/gunicorn config.wsgi:application --workers "${LOAD_GUNICORN_WORKERS:-4}" \
  --bind "127.0.0.1:$PORT" --access-logfile "$LOG/access.log" --error-logfile "$LOG/gunicorn.log" &
PIDS+=($!)
for _ in $(seq 60); do
  curl -fsS --max-time 30 -o /dev/null "http://127.0.0.1:$PORT/admin/login/" && break
  sleep 1
done 2>/dev/null

echo "== locust: ${LOAD_USERS:-50} staff for ${LOAD_TIME:-2m}"
set +e
.venv-load/bin/locust -f loadtest/locustfile.py --headless --only-summary \
  --host "http://127.0.0.1:$PORT" -u "${LOAD_USERS:-50}" -r "${LOAD_SPAWN_RATE:-1}" \
  -t "${LOAD_TIME:-2m}" --stop-timeout 10 --csv "$LOG/locust" 2>"$LOG/locust.log"
status=$?
set -e
echo "(locust log: $LOG/locust.log; gunicorn: $LOG/gunicorn.log; qcluster: $LOG/qcluster.log)"
exit $status
