#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests when it is missing.
# Installing needs root and apt-get; without them the browser tests skip
# and print why (or fail when BADGESITE_REQUIRE_BROWSER=1, as in CI).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
else
  echo "note: /usr/bin/chromium is missing and cannot be installed without root;" \
       "the browser tests will be skipped" >&2
fi
