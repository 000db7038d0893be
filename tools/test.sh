#!/usr/bin/env bash
# Builds Heapscope and runs the whole test suite: a gcc build, then a clang
# ASan/UBSan build; ends with "N passed, N failed" counted from the TAP results.
set -u
cd "$(dirname "$0")/.."
bash tools/deps.sh || exit 1

run_suite () {
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    "$@" || return 1
  fi
  ninja -C "$dir" || return 1
  xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" meson test -C "$dir" --print-errorlogs --num-processes 2
}

failed_build=0
run_suite build meson setup build -Dbuildtype=debugoptimized || failed_build=1
CC=clang run_suite build-asan env CC=clang meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug || failed_build=1

python3 - build build-asan "$failed_build" <<'PY'
import json, os, re, sys
passed = failed = skipped = 0
for build in sys.argv[1:3]:
    log = os.path.join(build, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        failed += 1
        continue
    for line in open(log):
        entry = json.loads(line)
        subtests = re.findall(r"^(ok|not ok) \d+[^\n]*", entry.get("stdout") or "", re.M)
        if entry["result"] == "SKIP":
            skipped += 1
        elif not subtests:
            if entry["result"] in ("OK", "EXPECTEDFAIL"):
                passed += 1
            else:
                failed += 1
        else:
            for result in subtests:
                if "# SKIP" in result:
                    skipped += 1
                elif result.startswith("ok"):
                    passed += 1
                else:
                    failed += 1
            if entry["result"] not in ("OK", "EXPECTEDFAIL") and not any(r.startswith("not ok") for r in subtests):
                failed += 1  # the program died after its last subtest
if sys.argv[3] == "1":
    failed += 1
print("%d passed, %d failed" % (passed, failed) + (", %d skipped" % skipped if skipped else ""))
sys.exit(1 if failed else 0)
PY
