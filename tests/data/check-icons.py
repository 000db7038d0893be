#!/usr/bin/env python3
# Checks the app icons: each SVG parses, is an <svg> with a square viewBox,
# and every url(#id) / href="#id" it uses points at an element it defines.
# A "-symbolic.svg" must be drawn on the 16x16 grid, the full-colour icon on
# the 128x128 grid.
#
# usage: check-icons.py ICON.svg...

import re
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def check_icon(path):
    problems = []
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        return ["{}: {}".format(path, e)]
    if root.tag != SVG + "svg":
        return ["{}: root element is {}, not svg".format(path, root.tag)]

    box = root.get("viewBox", "")
    try:
        x, y, w, h = [float(v) for v in box.replace(",", " ").split()]
    except ValueError:
        return ["{}: no valid viewBox (got {!r})".format(path, box)]
    if w <= 0 or h <= 0 or w != h:
        problems.append("{}: viewBox {!r} is not a positive square".format(path, box))
    expected = 16 if path.endswith("-symbolic.svg") else 128
    if (x, y, w, h) != (0, 0, expected, expected):
        problems.append("{}: viewBox should be 0 0 {} {}, got {!r}".format(
            path, expected, expected, box))

    ids = {e.get("id") for e in root.iter() if e.get("id")}
    refs = set()
    for e in root.iter():
        for name, value in e.attrib.items():
            refs.update(re.findall(r"url\(#([^)]+)\)", value))
            if name in ("href", XLINK_HREF) and value.startswith("#"):
                refs.add(value[1:])
    for ref in sorted(refs - ids):
        problems.append("{}: reference to undefined #{}".format(path, ref))

    drawn = [e for e in root.iter() if e.tag in (SVG + "path", SVG + "rect",
                                                 SVG + "circle", SVG + "ellipse",
                                                 SVG + "polygon", SVG + "use")]
    if not drawn:
        problems.append("{}: draws nothing".format(path))
    return problems


def main():
    if len(sys.argv) < 2:
        print("usage: check-icons.py ICON.svg...")
        return 1
    problems = []
    for path in sys.argv[1:]:
        found = check_icon(path)
        problems += found
        if not found:
            print("ok: " + path)
    for p in problems:
        print("FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
