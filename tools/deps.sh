#!/usr/bin/env bash
# Installs the Debian 12 packages Heapscope needs to build, test and run, if missing.
set -eu
packages="build-essential pkg-config meson ninja-build libgtk-4-dev libadwaita-1-dev
  libgraphviz-dev libjson-glib-dev libsqlite3-dev python3-dev gettext appstream
  desktop-file-utils blueprint-compiler xvfb xauth clang libclang-rt-14-dev llvm-14 shared-mime-info
  graphviz"
missing=""
for package in $packages; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages:$missing (run as root, or install them with apt-get)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y --no-install-recommends $missing
fi
