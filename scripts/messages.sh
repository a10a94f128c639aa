#!/usr/bin/env bash
# Extract English source strings into each app's zh_Hans catalogue (and the
# project catalogue for templates/ and config/), then compile them.
# Fill in the empty msgstr entries before committing: tests fail on any left.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
py=$root/.venv/bin/python
export DJANGO_SETTINGS_MODULE=config.settings.test
for app in "$root"/apps/*/; do
  [ -f "$app/apps.py" ] || continue
  mkdir -p "$app/locale"
  (cd "$app" && $py "$root/manage.py" makemessages -l zh_Hans --no-obsolete --no-location >/dev/null)
done
# Project-level strings: templates/ and config/ only (apps have their own).
(cd "$root" && $py manage.py makemessages -l zh_Hans --no-obsolete --no-location \
   --ignore 'apps/*' --ignore '.venv/*' --ignore 'static/*' --ignore 'var/*' --ignore 'bench/*' >/dev/null)
(cd "$root" && $py manage.py compilemessages --ignore '.venv' >/dev/null)
echo "catalogues updated; untranslated entries:"
for po in $(find "$root/apps" "$root/locale" -name django.po); do
  n=$(msgattrib --untranslated "$po" | grep -c '^msgid ' || true)
  [ "$n" -gt 1 ] && echo "  $po: $((n - 1))"
done
exit 0
