#!/usr/bin/env python3
# Checks the Flatpak manifest without flatpak-builder (the GNOME runtimes
# cannot be downloaded here): valid JSON, named after the app id, the right
# runtime, command and permissions, and well-formed modules and sources, the
# last one building this source tree with meson.
#
# usage: check-flatpak.py MANIFEST APP-ID COMMAND RUNTIME-VERSION

import json
import os
import re
import sys

errors = []


def check(condition, message):
    if not condition:
        errors.append(message)
    return condition


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    dups = sorted({k for k in keys if keys.count(k) > 1})
    check(not dups, "duplicate keys: " + ", ".join(dups))
    return dict(pairs)


def check_source(module, source):
    where = "module {}: source {}".format(module, source.get("type"))
    kind = source.get("type")
    if kind in ("archive", "file"):
        if check("url" in source or "path" in source, where + " needs url or path"):
            if "url" in source:
                check(source["url"].startswith("https://"), where + " url is not https")
                check(re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")) is not None,
                      where + " needs a sha256 of 64 hex digits")
                for url in source.get("mirror-urls", []):
                    check(url.startswith("https://"), where + " mirror url is not https")
    elif kind == "git":
        check(source.get("url", "").startswith("https://"), where + " needs an https url")
        check(any(k in source for k in ("tag", "commit", "branch")),
              where + " needs a tag, commit or branch")
    elif kind == "dir":
        check("path" in source, where + " needs a path")
    elif kind in ("patch", "shell", "script", "inline"):
        pass
    else:
        check(False, where + ": unknown source type")


def main():
    if len(sys.argv) != 5:
        print("usage: check-flatpak.py MANIFEST APP-ID COMMAND RUNTIME-VERSION")
        return 1
    path, app_id, command, runtime_version = sys.argv[1:]
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f, object_pairs_hook=no_duplicates)
    except (OSError, ValueError) as e:
        print("FAIL: {}: {}".format(path, e))
        return 1

    check(os.path.basename(path) == app_id + ".json",
          "the manifest is not named {}.json".format(app_id))
    check(manifest.get("id", manifest.get("app-id")) == app_id,
          "id is not " + app_id)
    check(manifest.get("command") == command, "command is not " + command)
    check(manifest.get("runtime") == "org.gnome.Platform", "runtime is not org.gnome.Platform")
    check(manifest.get("sdk") == "org.gnome.Sdk", "sdk is not org.gnome.Sdk")
    check(manifest.get("runtime-version") == runtime_version,
          "runtime-version is not " + runtime_version)

    finish = manifest.get("finish-args", [])
    if check(isinstance(finish, list) and all(isinstance(a, str) for a in finish),
             "finish-args is not a list of strings"):
        for arg in finish:
            check(arg.startswith("--"), "finish-arg {!r} does not start with --".format(arg))
        for needed in ("--socket=wayland", "--socket=fallback-x11", "--share=ipc"):
            check(needed in finish, "finish-args lacks " + needed)
        check("--socket=x11" not in finish, "use --socket=fallback-x11, not --socket=x11")

    modules = manifest.get("modules", [])
    if check(isinstance(modules, list) and modules, "no modules"):
        names = []
        for module in modules:
            if not check(isinstance(module, dict), "a module is not an object"):
                continue
            name = module.get("name")
            check(isinstance(name, str) and name, "a module has no name")
            names.append(name)
            sources = module.get("sources", [])
            check(isinstance(sources, list) and sources, "module {} has no sources".format(name))
            for source in sources:
                check_source(name, source)
        check(len(names) == len(set(names)), "module names repeat")
        last = modules[-1]
        check(last.get("name") == "heapscope", "the last module is not heapscope")
        check(last.get("buildsystem") == "meson", "heapscope is not built with meson")
        dirs = [s for s in last.get("sources", []) if s.get("type") == "dir"]
        if check(dirs, "heapscope has no dir source"):
            tree = os.path.join(os.path.dirname(os.path.abspath(path)), dirs[0].get("path", ""))
            check(os.path.isfile(os.path.join(tree, "meson.build")),
                  "the heapscope dir source does not point at the source tree")

    if errors:
        for e in errors:
            print("FAIL: " + e)
        return 1
    print("ok: {} ({} modules, runtime org.gnome.Platform {})".format(
        path, len(modules), runtime_version))
    return 0


if __name__ == "__main__":
    sys.exit(main())
