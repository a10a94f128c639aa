#!/usr/bin/env bash
# System packages the test suite needs: Debian's chromium for the browser test and
# gettext for the translation checks. Installed only when missing and possible;
# otherwise the tests that need them skip with a message saying why.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing from Debian: ${need[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null) \
    || echo "could not install ${need[*]}; the tests that need them will be skipped"
else
  echo "missing ${need[*]} and cannot install them here; the tests that need them will be skipped"
fi
exit 0
