#!/usr/bin/env python3
# Checks that i18n.merge_file() merged every language of po/LINGUAS into the
# built data files: the desktop entry's Comment, the metainfo summary and the
# MIME type comment.
#
# usage: check-translations.py LINGUAS DESKTOP METAINFO MIME-XML

import sys
import xml.etree.ElementTree as ET

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def main():
    if len(sys.argv) != 5:
        print("usage: check-translations.py LINGUAS DESKTOP METAINFO MIME-XML")
        return 1
    linguas, desktop, metainfo, mime = sys.argv[1:]
    with open(linguas, encoding="utf-8") as f:
        langs = [w for line in f for w in line.split("#", 1)[0].split()]
    if not langs:
        print("no languages in " + linguas)
        return 0

    with open(desktop, encoding="utf-8") as f:
        desktop_keys = {line.split("=", 1)[0] for line in f if "=" in line}
    summary_langs = {e.get(XML_LANG) for e in ET.parse(metainfo).getroot().iter("summary")}
    mime_langs = {e.get(XML_LANG) for e in ET.parse(mime).getroot().iter(MIME_NS + "comment")}

    missing = []
    for lang in langs:
        if "Comment[{}]".format(lang) not in desktop_keys:
            missing.append("{}: Comment[{}]".format(desktop, lang))
        if lang not in summary_langs:
            missing.append("{}: <summary xml:lang=\"{}\">".format(metainfo, lang))
        if lang not in mime_langs:
            missing.append("{}: <comment xml:lang=\"{}\">".format(mime, lang))
    for m in missing:
        print("FAIL: not merged: " + m)
    if not missing:
        print("ok: merged " + " ".join(langs))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
