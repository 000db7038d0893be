#!/usr/bin/env python3
# Checks the compiled GSettings schema the app and its tests use: the schema
# id is the app id, every key the app reads has its default, and the
# sample interval and diff baseline keep their range and choices.
#
# usage: check-schema.py SCHEMA-DIR SCHEMA-ID

import os
import shutil
import subprocess
import sys

EXPECTED = {
    "interpreter": "'python3'",
    "last-script": "''",
    "last-arguments": "''",
    "last-working-directory": "''",
    "run-module": "false",
    "last-module": "''",
    "sample-interval": "1.0",
    "diff-baseline": "'previous'",
    "recent-sessions": "@as []",
    "window-width": "1100",
    "window-height": "760",
    "window-maximized": "false",
}


def main():
    if len(sys.argv) != 3:
        print("usage: check-schema.py SCHEMA-DIR SCHEMA-ID")
        return 1
    schema_dir, schema_id = sys.argv[1:]
    gsettings = shutil.which("gsettings")
    if gsettings is None:
        print("gsettings not installed")
        return 77
    env = dict(os.environ, GSETTINGS_BACKEND="memory")

    def call(*args):
        proc = subprocess.run([gsettings, "--schemadir", schema_dir] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, env=env)
        if proc.returncode != 0:
            print("FAIL: gsettings {}: {}".format(" ".join(args), proc.stderr.strip()))
            sys.exit(1)
        return proc.stdout

    found = {}
    for line in call("list-recursively", schema_id).splitlines():
        _schema, key, value = line.split(" ", 2)
        found[key] = value
    errors = []
    for key, value in EXPECTED.items():
        if key not in found:
            errors.append("key {} is missing".format(key))
        elif found[key] != value:
            errors.append("key {} defaults to {}, expected {}".format(key, found[key], value))

    words = call("range", schema_id, "sample-interval").split()
    if words[:2] != ["range", "d"] or abs(float(words[2]) - 0.1) > 1e-9 \
            or float(words[3]) != 60.0:
        errors.append("sample-interval range is {}".format(" ".join(words)))
    words = call("range", schema_id, "diff-baseline").split()
    if words != ["enum", "'previous'", "'first'"]:
        errors.append("diff-baseline choices are {}".format(" ".join(words)))

    for e in errors:
        print("FAIL: " + e)
    if not errors:
        print("ok: {} has {} keys with their defaults".format(schema_id, len(found)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
