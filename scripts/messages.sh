#!/usr/bin/env bash
# The translation catalogues (Italian is the source language).
#   scripts/messages.sh update   re-read every template and Python string into locale/*/django.po
#   scripts/messages.sh check    fail when the English catalogue has an untranslated or fuzzy string
#                                (CI runs it after `update`, so a new unmarked-in-English string fails)
#   scripts/messages.sh compile  build the .mo files (make install does it)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.test}

case "${1:-check}" in
  update)
    # Tests, benchmarks and the virtualenv hold no user-facing text.
    "$PY" manage.py makemessages -l en -l it --add-location=file --no-obsolete \
      --ignore='tests/*' --ignore='bench/*' --ignore='var/*' --ignore='scripts/*' -v 0
    ;;
  check)
    po=locale/en/LC_MESSAGES/django.po
    untranslated=$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid ' || true)
    fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid ' || true)
    # msgattrib prints the header entry (msgid "") when anything is left: do not count it.
    [ "$untranslated" -gt 0 ] && untranslated=$((untranslated - 1))
    [ "$fuzzy" -gt 0 ] && fuzzy=$((fuzzy - 1))
    if [ "$untranslated" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then
      echo "English catalogue: $untranslated untranslated, $fuzzy fuzzy strings:"
      msgattrib --untranslated --no-obsolete "$po" | grep '^msgid ' | head -40
      msgattrib --only-fuzzy --no-obsolete "$po" | grep '^msgid ' | head -20
      exit 1
    fi
    echo "English catalogue complete."
    ;;
  compile)
    "$PY" manage.py compilemessages -v 0 --ignore='.venv/*'
    ;;
  *)
    echo "usage: $0 update|check|compile" >&2
    exit 2
    ;;
esac
