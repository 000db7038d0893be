# Heapscope's entry point in the profiled process:
#
#     python heapscope_bootstrap.py SCRIPT [ARGS...]      (HEAPSCOPE_FD=<fd> to connect)
#     python heapscope_bootstrap.py -m MODULE [ARGS...]
#
# runs SCRIPT as `python SCRIPT ARGS` would (MODULE as `python -m MODULE ARGS`
# would, in the working folder it is started in), with the Heapscope agent
# beside it when HEAPSCOPE_FD names the inherited socket (see heapscope/_run.py).
#
# This file runs as __main__, and __main__'s namespace becomes the script's.
# So it binds no name of its own: imports go through __import__, and its state
# waits in __doc__, a key the namespace already has (the file has no docstring),
# until heapscope._run.main() puts the namespace back as the interpreter made it.
# It must parse on any Python, even 2.7, so that an old interpreter gets a clear
# message and exit status 119.

__doc__ = [tuple(globals())]
if __import__("sys").version_info < (3, 8):
    __import__("sys").stderr.write(
        "heapscope: the Heapscope agent needs Python 3.8 or newer; this is Python %s\n"
        % __import__("sys").version.split()[0])
    raise SystemExit(119)

# Every object alive before the agent loads: what appears after it is the agent's.
# The collector waits until the agent has listed its objects (untracking one
# of them would hide it from that list).
__doc__.append("gc" in __import__("sys").modules)
__doc__.append(__import__("gc").isenabled())
__import__("gc").disable()
__doc__.append(__import__("gc").get_objects())

# Import the agent from this file's directory. The interpreter put that
# directory first on sys.path, unless -I or -P (safe path) told it not to.
__doc__.append(__import__("os").path.dirname(__import__("os").path.realpath(__file__)))
__doc__.append(__import__("sys").path[:1] != [__doc__[4]])
if __doc__[5]:
    __import__("sys").path.insert(0, __doc__[4])
__import__("heapscope._run")._run.main()
