"""Run the user's script as ``python SCRIPT ARGS`` would (or a module as
``python -m MODULE ARGS``), with the agent beside it.

heapscope_bootstrap.py is what the interpreter runs as ``__main__``; it leaves its
state in ``__main__.__doc__`` (a key the namespace already has, so the script's
namespace never holds a name it would not have) and calls `main`, which:

1. puts ``__main__.__dict__`` back to the keys the interpreter gave it;
2. connects the agent (``HEAPSCOPE_FD``) and works out its own objects;
3. makes the process look as ``python SCRIPT ARGS`` would: ``sys.argv``,
   ``sys.orig_argv``, ``sys.path[0]`` (the script's real directory, unless
   ``-I``/``-P``), ``sys.path_importer_cache``, and ``__file__``, ``__cached__``,
   ``__loader__`` in ``__main__`` (``__file__`` absolute from 3.9 on, as given
   on 3.8);
4. runs the script's code in the interpreter's own ``__main__`` module, so
   pickling classes of ``__main__`` works;
5. when the script's code ends -- normally, by ``SystemExit`` or by an
   exception -- has the agent push its final census, then lets the interpreter
   finish as it would: ``SystemExit`` propagates unchanged (exit codes as
   CPython gives them), any other exception propagates too and CPython prints
   it, through a one-shot ``sys.excepthook`` that removes the bootstrap's frames
   from the traceback, so it reads as ``python SCRIPT`` prints it (exit code 1,
   or death by SIGINT for KeyboardInterrupt, as CPython does).

Directories and zip files with a ``__main__.py`` run through runpy, as CPython
runs them; so does a module (``-m``): ``sys.argv[0]`` is ``"-m"`` while it is
found and imported, then its file; ``sys.path[0]`` is the working folder
(unless ``-I``/``-P``); ``__spec__`` and the rest are runpy's, and so are the
two frames a traceback shows above the module's, as under ``python -m``.

Known differences from ``python SCRIPT``: the script's module frame
has the bootstrap's frames below it (visible to ``sys._getframe``, ``inspect.stack``
and ``warnings`` stack levels), and with the agent connected the process has one
more OS thread (from 3.12, ``os.fork()`` then warns that the process is
multi-threaded).
"""

import os
import sys

from . import _agent
from . import _console

# The run's state, kept here (an agent object) rather than in the frames
# below the script's: the excepthook's, the script's source until compiled.
_hook = {"original": None, "strip": (), "namespace": None, "delete_file": False,
         "source": None}


def main():
    namespace = sys.modules["__main__"].__dict__
    state = namespace["__doc__"]
    initial_keys, gc_was_loaded, gc_was_enabled, before, agent_dir, path_inserted = state
    # The state list is in the snapshot it holds: empty it, or the two would
    # live on as a reference cycle until the collector next ran.
    del state[:]
    namespace["__doc__"] = None
    for key in list(namespace):
        if key not in initial_keys:
            del namespace[key]
    # This frame lives as long as the script: it keeps no container alive.
    del state, initial_keys
    bootstrap_code = sys._getframe(1).f_code
    bootstrap_argv0 = sys.argv[0]
    # The codes of the frames below the script's, made now, while new objects
    # are still the agent's.
    _hook["strip"] = (bootstrap_code,) + _run_codes()

    if len(sys.argv) < 2:
        sys.stderr.write("usage: %s heapscope_bootstrap.py SCRIPT | -m MODULE [ARGS...]\n"
                         % _program_name())
        raise SystemExit(2)
    script = sys.argv[1]
    module = None
    if script == "-m":
        if len(sys.argv) < 3:
            sys.stderr.write("Argument expected for the -m option\n")
            raise SystemExit(2)
        module = sys.argv[2]

    fd_text = os.environ.get("HEAPSCOPE_FD")
    connected = False
    if fd_text is not None:
        connected = _agent.start(fd_text, before, bootstrap_code, gc_was_loaded)
    del before      # the snapshot held every start-up object alive
    if gc_was_enabled:
        __import__("gc").enable()

    # From here on, objects made are the program's, as python would make them.
    if module is not None:
        _set_argv(bootstrap_argv0, True)
        _set_path(None, None, bootstrap_argv0, agent_dir, path_inserted)
        if connected:
            _console.install()
            _agent.greet()
            _agent.run_thread()
        _run_module(namespace, module)
        return

    filename = _run_filename(script)
    _set_argv(bootstrap_argv0)
    importer = _set_path(script, filename, bootstrap_argv0, agent_dir, path_inserted)
    if importer is None:
        # Kept in the agent's _hook, not in a frame below the script's.
        _hook["source"] = _read_source(filename)
    if connected:
        _console.install()
        _agent.greet()
        _agent.run_thread()

    if importer is None:
        _run_file(namespace, filename)
    else:
        _run_importer_script(namespace)


def _run_codes():
    return (main.__code__, _run_file.__code__, _run_importer_script.__code__,
            _run_module.__code__, _execute.__code__)


def _program_name():
    argv = getattr(sys, "orig_argv", None)
    if argv:
        return argv[0]
    return sys.executable or "python"


def _run_filename(script):
    """The script's file name as CPython uses it for __file__ and code objects.

    A new string object each time, as CPython makes one for each use.
    """
    if sys.version_info < (3, 9) or script.startswith("/"):
        return os.fsdecode(os.fsencode(script))
    # _Py_abspath: the working directory, a separator, the path; no normalizing.
    return os.getcwd() + "/" + script


def _read_source(filename):
    try:
        with open(filename, "rb") as stream:
            return stream.read()
    except OSError as error:
        # As pymain_run_file reports it, with exit status 2.
        sys.stderr.write("%s: can't open file %s: [Errno %d] %s\n"
                         % (_program_name(), _quote(filename), error.errno, error.strerror))
        sys.stderr.flush()
        raise SystemExit(2)


def _quote(text):
    if sys.version_info < (3, 9):
        return "'%s'" % text
    return repr(text)


def _set_argv(bootstrap_argv0, module=False):
    # New lists, sized as the interpreter sizes them.
    if module:
        # python -m: "-m" (its own string, as the interpreter's), then the
        # module's arguments; runpy puts the module's file in its place.
        sys.argv = [sys.argv[1]] + sys.argv[3:]
        after = len(sys.argv) + 1
    else:
        sys.argv = sys.argv[1:]
        after = len(sys.argv)
    orig = getattr(sys, "orig_argv", None)
    if orig:
        index = len(orig) - after - 1
        if 0 < index < len(orig) and orig[index] == bootstrap_argv0:
            sys.orig_argv = orig[:index] + orig[index + 1:]


def _set_path(script, filename, bootstrap_argv0, agent_dir, path_inserted):
    """Fix sys.path and the importer cache; return the script's importer, if any.

    A directory or zip file has an importer (CPython then runs its __main__
    module and puts the path itself first on sys.path); a plain file has None.
    For a module (`filename` None) sys.path[0] is the working folder.
    """
    cache = sys.path_importer_cache
    # The import system's records of the agent's directories, and of the
    # bootstrap file itself (CPython asks the path hooks about the file it runs).
    agent_finder = cache.pop(agent_dir, None)
    cache.pop(os.path.join(agent_dir, "heapscope"), None)
    cache.pop(_run_filename(bootstrap_argv0), None)
    importer = _record_importer(filename) if filename is not None else None
    prepended = not path_inserted and sys.path and sys.path[0] == agent_dir
    if path_inserted and sys.path and sys.path[0] == agent_dir:
        del sys.path[0]
    if importer is not None:
        if prepended:
            sys.path[0] = filename
        else:
            sys.path.insert(0, filename)
    elif prepended:
        # -m: the full path of the working folder, as _PyPathConfig_ComputeSysPath0 gives it.
        path0 = _script_path0(script) if filename is not None else os.getcwd()
        sys.path[0] = path0
        if agent_finder is not None:
            _prime_finder(path0, agent_finder)
    return importer


def _script_path0(script):
    """sys.path[0] for a script: the directory of its real path (symlinks resolved)."""
    real = os.path.realpath(script)
    head = real.rfind("/")
    if head < 0:
        return ""
    return real[:head] if head > 0 else "/"


def _prime_finder(path0, agent_finder):
    """Give the script's directory the path finder the interpreter's start-up gave the agent's.

    At start-up site.py looked for sitecustomize along sys.path, which created
    (and filled) a finder for sys.path[0] -- then the agent's directory.
    """
    try:
        external = sys.modules["_frozen_importlib_external"]
        finder = external.PathFinder._path_importer_cache(path0)
        if finder is not None and getattr(agent_finder, "_path_mtime", -1) != -1:
            mtime = os.stat(path0 or os.getcwd()).st_mtime
            if mtime != finder._path_mtime:
                finder._fill_cache()
                finder._path_mtime = mtime
    except Exception:
        pass


def _record_importer(filename):
    """Ask the path hooks about the script, as pymain_get_importer does.

    Returns the importer (a directory or zip file) or None, and leaves in
    sys.path_importer_cache what CPython leaves there.
    """
    cache = sys.path_importer_cache
    if filename in cache:
        return cache[filename]
    filename = os.fsdecode(os.fsencode(filename))     # a key of its own
    cache[filename] = None
    importer = None
    for hook in sys.path_hooks:
        try:
            importer = hook(filename)
        except ImportError:
            continue
        except Exception:
            importer = None
        break
    if importer is not None:
        cache[filename] = importer
    return importer


# -- running ---------------------------------------------------------------------

def _run_file(namespace, filename):
    external = sys.modules["_frozen_importlib_external"]
    magic = external.MAGIC_NUMBER
    is_pyc = filename.endswith(".pyc") or _hook["source"][:2] == magic[:2]
    namespace["__file__"] = filename
    namespace["__cached__"] = None
    # CPython names the loader with a fresh, not interned, "__main__" string.
    name = "".join(("__", "main__"))
    if is_pyc:
        namespace["__loader__"] = external.SourcelessFileLoader(name, filename)
    else:
        namespace["__loader__"] = external.SourceFileLoader(name, filename)
    _execute(namespace, filename, is_pyc, True)


def _run_importer_script(namespace):
    # CPython runs a directory or zip file's __main__ module through runpy,
    # without __file__ in the namespace beforehand.
    namespace.pop("__file__", None)
    namespace.pop("__cached__", None)
    _execute(namespace, None, False, False)


def _run_module(namespace, module):
    # As pymain_run_module: runpy finds the module, then sets __file__ and
    # the rest itself.
    namespace.pop("__file__", None)
    namespace.pop("__cached__", None)
    _execute(namespace, None, False, False, module)


def _execute(namespace, filename, is_pyc, owns_file, module=None):
    try:
        if module is not None:
            import runpy
            runpy._run_module_as_main(module, True)
        elif filename is None:
            import runpy
            runpy._run_module_as_main("__main__", False)
        else:
            source = _hook.pop("source")
            if is_pyc:
                code = _load_pyc(source)
            else:
                code = compile(source, filename, "exec", dont_inherit=True)
            del source
            exec(code, namespace)
    except SystemExit:
        # CPython exits at once here, leaving __file__ in place.
        _agent.push_final()
        _agent.hold()
        raise
    except BaseException:
        _agent.push_final()
        _hook["original"] = getattr(sys, "excepthook", None)
        _hook["namespace"] = namespace
        _hook["delete_file"] = owns_file
        sys.excepthook = _excepthook
        # Held, the traceback is printed before the wait, as CPython prints
        # it before atexit handlers: the user looks at the heap for why.
        _agent.hold(_print_traceback_now)
        raise
    if owns_file:
        namespace.pop("__file__", None)
        namespace.pop("__cached__", None)
    _agent.push_final()
    # Held at exit (when the app asked): the script's final heap, globals
    # intact, before atexit handlers and finalization.
    _agent.hold()


def _load_pyc(data):
    import marshal
    external = sys.modules["_frozen_importlib_external"]
    if data[:4] != external.MAGIC_NUMBER:
        raise RuntimeError("Bad magic number in .pyc file")
    code = marshal.loads(data[16:])
    if type(code) is not type(main.__code__):
        raise RuntimeError("Bad code object in .pyc file")
    return code


def _excepthook(kind, value, tb):
    """One-shot sys.excepthook: drop the bootstrap's frames, then hand over."""
    original = _hook["original"]
    if sys.excepthook is _excepthook:
        sys.excepthook = original
    strip = _hook["strip"]
    while tb is not None and _code_in(tb.tb_frame.f_code, strip):
        tb = tb.tb_next
    try:
        value.__traceback__ = tb
    except Exception:
        pass
    sys.last_traceback = tb
    try:
        if original is None:
            sys.stderr.write("sys.excepthook is missing\n")
            sys.__excepthook__(kind, value, tb)
        else:
            original(kind, value, tb)
    finally:
        if _hook["delete_file"]:
            # As CPython does after printing the error.
            _hook["namespace"].pop("__file__", None)
            _hook["namespace"].pop("__cached__", None)
        _hook["namespace"] = None


def _print_traceback_now():
    """Print the exception being handled through the hook, once: the exit
    that follows prints nothing more."""
    kind, value, tb = sys.exc_info()
    _excepthook(kind, value, tb)
    sys.excepthook = _printed
    try:
        sys.stderr.flush()
    except Exception:
        pass


def _printed(kind, value, tb):
    """One-shot sys.excepthook once the traceback is printed: hand back the original."""
    if sys.excepthook is _printed:
        sys.excepthook = _hook["original"]


def _code_in(code, codes):
    for candidate in codes:
        if candidate is code:
            return True
    return False
