#!/usr/bin/env bash
# Builds Heapscope and runs it on the bundled demo; with no display, runs it headless.
set -eu
cd "$(dirname "$0")/.."
bash tools/deps.sh
[ -f build/build.ninja ] || meson setup build -Dbuildtype=debugoptimized
ninja -C build
export HS_AGENT_DIR="$PWD/build/backend/agent"
export GSETTINGS_SCHEMA_DIR="$PWD/build/data"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec ./build/app/heapscope --headless --python /usr/bin/python3 data/demo/demo.py "$@"
fi
# Held at its end, the demo's final heap can still be browsed after its minute is up.
exec ./build/app/heapscope --hold --python /usr/bin/python3 data/demo/demo.py "$@"
