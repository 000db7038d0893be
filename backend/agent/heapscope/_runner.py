"""Runs the user's script as __main__, exactly as `python SCRIPT ARGS` would."""

import os
import signal
import sys
import types


def _trim_traceback(tb, script):
    """Drops the bootstrap's own frames so the traceback starts in the script."""
    while tb is not None and tb.tb_frame.f_code.co_filename != script:
        tb = tb.tb_next
    return tb


def main(agent_dir):
    from heapscope import _agent

    if len(sys.argv) < 2:
        sys.stderr.write("usage: heapscope_bootstrap.py SCRIPT [ARGS...]\n")
        sys.exit(2)

    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path.insert(0, os.path.dirname(os.path.realpath(script)))

    fd = os.environ.pop("HEAPSCOPE_FD", None)
    if fd is not None and fd.isdigit():
        _agent.start(int(fd))

    with open(script, "rb") as source_file:
        source = source_file.read()

    main_module = types.ModuleType("__main__")
    main_module.__file__ = script
    main_module.__cached__ = None
    main_module.__builtins__ = __builtins__ if isinstance(__builtins__, dict) else vars(__builtins__)
    sys.modules["__main__"] = main_module

    try:
        code = compile(source, script, "exec", dont_inherit=True)
        exec(code, main_module.__dict__)
    except SystemExit:
        _agent.final_census()
        raise
    except BaseException as error:
        _agent.final_census()
        tb = _trim_traceback(error.__traceback__, script) or error.__traceback__
        sys.excepthook(type(error), error, tb)
        if isinstance(error, KeyboardInterrupt):
            sys.stdout.flush()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)
        sys.exit(1)
    _agent.final_census()
