#!/bin/sh
# Refreshes the translations from the sources in one go: regenerates
# po/heapscope.pot and merges it into every po/<lang>.po of po/LINGUAS
# (meson's heapscope-update-po target, which makes the template first).
# New and changed messages then show up untranslated or fuzzy; translate
# them, remove the "fuzzy" marks, and the data test 'po-up-to-date' passes.
#
#   po/update-translations.sh [BUILDDIR]
#
# BUILDDIR is a meson build directory of this tree; without one, ./build is
# used if it is configured, else a throw-away one.

set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${1:-}

if [ -z "$builddir" ] && [ -f "$srcdir/build/build.ninja" ]; then
  builddir=$srcdir/build
fi
if [ -z "$builddir" ]; then
  builddir=$(mktemp -d "${TMPDIR:-/tmp}/heapscope-po.XXXXXX")
  trap 'rm -rf "$builddir"' EXIT
fi
if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" "$srcdir" >/dev/null
fi

ninja -C "$builddir" heapscope-update-po

status=0
for lang in $(sed -e 's/#.*//' "$srcdir/po/LINGUAS"); do
  po=$srcdir/po/$lang.po
  stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1) || status=1
  echo "po/$lang.po: $stats"
  case $stats in
    *fuzzy*|*untranslated*)
      echo "  to translate: msgattrib --only-fuzzy po/$lang.po; msgattrib --untranslated po/$lang.po"
      status=1
      ;;
  esac
done
exit $status
