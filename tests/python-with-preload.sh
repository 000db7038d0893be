#!/bin/sh
# The interpreter the tests give the app in a sanitizer build: the agent's C
# extensions are built with ASan there and load only into a python3 that has
# the sanitizer runtime loaded first. Without them the agent would fall back to
# its pure Python walk, and every child would run several times slower.
# The runtime leaves signals to python, so a crashing script dies as it would.
LD_PRELOAD="$HS_TEST_PRELOAD${LD_PRELOAD:+ $LD_PRELOAD}" \
ASAN_OPTIONS=detect_leaks=0:handle_segv=0:handle_sigbus=0:handle_abort=0:handle_sigfpe=0:handle_sigill=0 \
  exec "$HS_TEST_REAL_PYTHON" "$@"
