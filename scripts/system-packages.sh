#!/usr/bin/env bash
# The Debian packages the tests need beside the virtualenv: Chromium for the browser tests,
# poppler-utils to read generated PDFs, gettext to compile the catalogues. Installed with
# apt-get when this runs as root; otherwise it says what is missing and the browser tests skip.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "missing: ${need[*]} (apt-get install -y ${need[*]}; browser tests will be skipped)"
fi
