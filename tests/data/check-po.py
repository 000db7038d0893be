#!/usr/bin/env python3
# Checks that the translations are complete and up to date with the sources:
#
#   (a) every .c, .h and .ui file under app/, widgets/ and backend/ that marks
#       a string for translation is listed in po/POTFILES.in, and every file
#       listed there exists;
#   (b) each po/<lang>.po of po/LINGUAS has no untranslated and no fuzzy
#       message (msgfmt --check --statistics);
#   (c) each po/<lang>.po holds exactly the messages xgettext extracts from
#       the sources today, with the keywords of meson's i18n 'glib' preset.
#
# When (b) or (c) fails after a string changed, refresh with
# po/update-translations.sh, then translate what it left fuzzy or empty.
#
# usage: check-po.py SOURCE_ROOT PACKAGE XGETTEXT MSGFMT

import os
import re
import subprocess
import sys
import tempfile

SCANNED_DIRS = ("app", "widgets", "backend")
SCANNED_SUFFIXES = (".c", ".h", ".ui")

# A call of a gettext macro or function, not part of a longer name
# (my_func_(…)), or a GtkBuilder property marked translatable.
MARKED = re.compile(
    r"(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|Q_|g_dgettext|g_dcgettext|g_dngettext|g_dpgettext2?)\s*\("
    r"|translatable\s*=\s*[\"'](?:yes|true|1)[\"']")

# meson's i18n.gettext(preset: 'glib') (mesonbuild/modules/i18n.py), plus the
# -k_ meson always adds.  Keep in step with po/meson.build.
XGETTEXT_ARGS = [
    "-k_",
    "--from-code=UTF-8",
    "--add-comments",
    "--keyword=_",
    "--keyword=N_",
    "--keyword=C_:1c,2",
    "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2",
    "--keyword=g_dngettext:2,3",
    "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format",
    "--flag=C_:2:pass-c-format",
    "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format",
    "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format",
    "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format",
    "--flag=g_set_error:4:c-format",
    "--flag=g_markup_printf_escaped:1:c-format",
    "--flag=g_log:3:c-format",
    "--flag=g_print:1:c-format",
    "--flag=g_printerr:1:c-format",
    "--flag=g_printf:1:c-format",
    "--flag=g_fprintf:2:c-format",
    "--flag=g_sprintf:2:c-format",
    "--flag=g_snprintf:3:c-format",
]

REFRESH = "run po/update-translations.sh, then translate what it marks fuzzy or leaves empty"


def read_list(path):
    with open(path, encoding="utf-8") as f:
        return [line.split("#", 1)[0].strip() for line in f if line.split("#", 1)[0].strip()]


def files_with_strings(root):
    found = []
    for top in SCANNED_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in filenames:
                if not name.endswith(SCANNED_SUFFIXES):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    if MARKED.search(f.read()):
                        found.append(os.path.relpath(path, root))
    return sorted(found)


def unescape(s):
    out = []
    i = 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append({"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}.get(s[i + 1], s[i + 1]))
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def read_po(path):
    """The active messages of a .po/.pot file:
    {(msgctxt, msgid, msgid_plural): references}.

    Obsolete (#~) entries and the header are left out."""
    messages = {}
    entry = {}
    refs = []
    field = None

    def flush():
        if "msgid" in entry and entry["msgid"] != "":
            key = (entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural"))
            messages[key] = refs[:]

    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n") + [""]
    for line in lines:
        line = line.strip()
        if line.startswith("#~"):
            continue
        if not line or (line.startswith("#") and field is not None and field.startswith("msgstr")):
            if "msgid" in entry:
                flush()
                entry, refs, field = {}, [], None
        if not line:
            continue
        if line.startswith("#:"):
            refs.extend(line[2:].split())
            continue
        if line.startswith("#"):
            continue
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$', line)
        if m:
            if m.group(1) in ("msgctxt", "msgid") and field is not None and field.startswith("msgstr"):
                flush()
                entry, refs = {}, []
            field = m.group(1)
            entry[field] = unescape(m.group(2))
        elif line.startswith('"') and field is not None:
            entry[field] += unescape(line[1:-1])
    return messages


def describe(key):
    ctx, msgid, _plural = key
    text = msgid if len(msgid) <= 60 else msgid[:57] + "..."
    text = text.replace("\n", "\\n")
    return ('"%s"' % text) + (" (context \"%s\")" % ctx if ctx is not None else "")


def main():
    if len(sys.argv) != 5:
        print("usage: check-po.py SOURCE_ROOT PACKAGE XGETTEXT MSGFMT")
        return 2
    root, package, xgettext, msgfmt = sys.argv[1:]
    po_dir = os.path.join(root, "po")
    env = dict(os.environ, LC_ALL="C", LANGUAGE="")
    failures = []

    # (a) POTFILES.in lists every file that marks strings, and only files that exist.
    potfiles = read_list(os.path.join(po_dir, "POTFILES.in"))
    for path in files_with_strings(root):
        if path not in potfiles:
            failures.append("po/POTFILES.in: %s marks strings for translation but is not listed" % path)
    for path in potfiles:
        if not os.path.isfile(os.path.join(root, path)):
            failures.append("po/POTFILES.in: %s does not exist" % path)
    if potfiles != sorted(potfiles):
        failures.append("po/POTFILES.in is not sorted")

    # (c) what the sources mark today, from POTFILES.in plus anything (a) found missing.
    sources = sorted(set(p for p in potfiles if os.path.isfile(os.path.join(root, p)))
                     | set(files_with_strings(root)))
    with tempfile.TemporaryDirectory() as tmp:
        listfile = os.path.join(tmp, "POTFILES")
        with open(listfile, "w", encoding="utf-8") as f:
            f.write("\n".join(sources) + "\n")
        pot = os.path.join(tmp, package + ".pot")
        result = subprocess.run([xgettext, "--package-name=" + package, "-f", listfile,
                                 "-D", root, "-o", pot] + XGETTEXT_ARGS,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                universal_newlines=True)
        if result.returncode != 0:
            print(result.stdout)
            print("FAIL: xgettext failed")
            return 1
        wanted = read_po(pot)

    langs = read_list(os.path.join(po_dir, "LINGUAS"))
    for lang in langs:
        po = os.path.join(po_dir, lang + ".po")
        if not os.path.isfile(po):
            failures.append("po/%s.po does not exist (%s)" % (lang, REFRESH))
            continue

        # (b) no untranslated or fuzzy messages, and msgfmt --check is happy.
        result = subprocess.run([msgfmt, "--check", "--statistics", "-o", os.devnull, po],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                universal_newlines=True)
        stats = result.stdout.strip()
        if result.returncode != 0:
            failures.append("po/%s.po: msgfmt --check failed:\n%s" % (lang, stats))
        for what in ("fuzzy", "untranslated"):
            m = re.search(r"(\d+) " + what, stats)
            if m and int(m.group(1)) > 0:
                failures.append("po/%s.po: %s %s message(s) (%s)" % (lang, m.group(1), what, REFRESH))
        if not re.search(r"\d+ translated message", stats):
            failures.append("po/%s.po: msgfmt printed no statistics: %s" % (lang, stats))

        # (c) exactly the messages of the sources.
        have = read_po(po)
        for key in sorted(set(wanted) - set(have), key=lambda k: (k[1], k[0] or "")):
            where = " ".join(wanted[key][:3])
            failures.append("po/%s.po is out of date: %s from %s is missing (%s)"
                            % (lang, describe(key), where, REFRESH))
        for key in sorted(set(have) - set(wanted), key=lambda k: (k[1], k[0] or "")):
            failures.append("po/%s.po is out of date: %s is no longer in the sources (%s)"
                            % (lang, describe(key), REFRESH))
        if not any(f.startswith("po/%s.po" % lang) for f in failures):
            print("ok: po/%s.po: %s; matches the %d messages of the sources" % (lang, stats, len(wanted)))

    for f in failures:
        print("FAIL: " + f)
    if not failures:
        print("ok: po/POTFILES.in lists all %d source files that mark strings" % len(sources))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
