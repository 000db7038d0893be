# Heapscope's bootstrap: started as `python heapscope_bootstrap.py SCRIPT [ARGS...]`.
# It starts the agent thread, then runs SCRIPT exactly as `python SCRIPT ARGS` would.
# Nothing before the version check may use syntax newer than Python 2.7.
import sys

if sys.version_info < (3, 8):
    sys.stderr.write("heapscope: Python 3.8 or newer is required; this is %d.%d\n"
                     % sys.version_info[:2])
    sys.exit(119)

import os

_agent_dir = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.abspath(sys.path[0] or os.curdir) == _agent_dir:
    del sys.path[0]
sys.path.insert(0, _agent_dir)
import heapscope  # noqa: E402  (stays importable from sys.modules)
from heapscope import _runner  # noqa: E402
sys.path.remove(_agent_dir)

_runner.main(_agent_dir)
