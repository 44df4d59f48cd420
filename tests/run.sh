#!/usr/bin/env bash
# The test command (README, and .ci/run): install what the tests need, then run the whole suite,
# browser tests included. Extra arguments go to pytest, e.g. `bash tests/run.sh -k settings`.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

# The browser tests drive Debian's chromium (Playwright's own browser download is not used); the proxy
# test also starts Debian's nginx, as its own process on a loopback port (the nginx service is not used).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ "${#missing[@]}" -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

"$PYTHON" -m pip install -q --disable-pip-version-check -r requirements-dev.txt
# axe-core, which the browser suite injects into the page to check it against WCAG 2.2 A and AA (from npm,
# pinned by tests/browser/package-lock.json; nothing is downloaded while the tests run)
if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
  npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
fi
"$PYTHON" -m pytest "$@"
