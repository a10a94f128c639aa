#!/usr/bin/env bash
# System packages the test suite needs: Debian's chromium for the browser test,
# gettext for the translation checks and a Chinese font for the screenshots; with arguments, those commands instead (each from
# the Debian package of the same name: `make bench` asks for wrk). Installed only when
# missing and possible; otherwise what needs them skips with a message saying why.
set -u
need=()
if [ $# -gt 0 ]; then
  for command in "$@"; do
    command -v "$command" >/dev/null 2>&1 || need+=("$command")
  done
else
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
  # A Chinese font for the browser tests' screenshots (people read them; users' own
  # machines have their fonts, the platform serves none).
  fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-wqy-microhei)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing from Debian: ${need[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null) \
    || echo "could not install ${need[*]}; what needs them will be skipped"
else
  echo "missing ${need[*]} and cannot install them here; what needs them will be skipped"
fi
exit 0
