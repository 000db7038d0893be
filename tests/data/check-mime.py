#!/usr/bin/env python3
# Validates a shared-mime-info package file: it parses, declares the session
# type with its glob, and update-mime-database (when installed) accepts it
# and writes the type, glob and content magic into a fresh database.
#
# usage: check-mime.py FILE MIME-TYPE GLOB

import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def main():
    if len(sys.argv) != 4:
        fail("usage: check-mime.py FILE MIME-TYPE GLOB")
    path, mime_type, glob = sys.argv[1:]

    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        fail("{}: {}".format(path, e))
    if root.tag != NS + "mime-info":
        fail("root element is {}, not mime-info in the shared-mime-info "
             "namespace".format(root.tag))

    types = {t.get("type"): t for t in root.findall(NS + "mime-type")}
    if mime_type not in types:
        fail("{} is not declared (found: {})".format(mime_type, sorted(types)))
    node = types[mime_type]
    globs = [g.get("pattern") for g in node.findall(NS + "glob")]
    if glob not in globs:
        fail("{} has no glob {} (found: {})".format(mime_type, glob, globs))
    comments = [c for c in node.findall(NS + "comment")
                if c.get("{http://www.w3.org/XML/1998/namespace}lang") is None]
    if len(comments) != 1 or not (comments[0].text or "").strip():
        fail("{} needs exactly one untranslated <comment>".format(mime_type))
    print("ok: {} declares {} with glob {}".format(path, mime_type, glob))

    tool = shutil.which("update-mime-database")
    if tool is None:
        print("update-mime-database not installed: parse check only")
        return 0
    with tempfile.TemporaryDirectory() as data_home:
        # A database in $XDG_DATA_HOME/mime, so that the tool has no reason
        # to print its "not in the search path" note: any output is a problem.
        db = os.path.join(data_home, "mime")
        os.makedirs(os.path.join(db, "packages"))
        shutil.copy(path, os.path.join(db, "packages", "heapscope.xml"))
        env = dict(os.environ, XDG_DATA_HOME=data_home, XDG_DATA_DIRS=data_home)
        # update-mime-database exits 0 even on a parse error, so its
        # messages and its output files are what tell.
        proc = subprocess.run([tool, db], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True,
                              env=env)
        if proc.returncode != 0 or proc.stdout.strip():
            fail("update-mime-database (exit {}):\n{}".format(
                proc.returncode, proc.stdout.strip()))
        with open(os.path.join(db, "types")) as f:
            if mime_type not in f.read().split():
                fail("update-mime-database did not register " + mime_type)
        with open(os.path.join(db, "globs2")) as f:
            entries = [line.strip().split(":")[1:] for line in f
                       if line.strip() and not line.startswith("#")]
        if [mime_type, glob] not in [e[:2] for e in entries]:
            fail("update-mime-database wrote no {} glob for {}".format(glob, mime_type))
        with open(os.path.join(db, "magic"), "rb") as f:
            magic = f.read()
        if ("[60:" + mime_type + "]").encode() not in magic or b"Heap" not in magic:
            fail("update-mime-database wrote no content magic for " + mime_type)
    print("ok: update-mime-database accepts it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
