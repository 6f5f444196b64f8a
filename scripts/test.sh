#!/usr/bin/env bash
# Install the course with its test tools and run the whole test suite.
# Extra arguments go to pytest, e.g.: bash scripts/test.sh -k roundtrip -x
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh" "test,browser,postgres"
cd "$ROOT"

# The browser test drives Debian's Chromium (Playwright's own browser download cannot be
# used here). Install it where we can; elsewhere the test says what is missing.
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Chromium for the browser test"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Note: Chromium is not installed; the browser test will be skipped (install the 'chromium' package)." >&2
  fi
fi

source "$ROOT/scripts/postgres-for-tests.sh"

# Warm caches (matplotlib's font cache, kernel spec) so the first test is not the slow one.
python -c "import matplotlib.pyplot" >/dev/null 2>&1 || true
python -m pytest "$@"  # not exec: the EXIT trap stops PostgreSQL
