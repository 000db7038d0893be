"""Writes to the console the way argv[1] says: interleave N, forged, fd2."""
import faulthandler
import os
import sys

how = sys.argv[1]

if how == "interleave":
    # No flush, no pauses: the order must survive as it is.
    for i in range(int(sys.argv[2])):
        print("out %d" % i)
        print("err %d" % i, file=sys.stderr)
elif how == "forged":
    # A marker that looks like the app's, without its token: plain stdout text.
    print("token hidden: %s" % ("HEAPSCOPE_CONSOLE" not in os.environ))
    print("before")
    sys.stdout.write("\0hs:" + "0" * 32 + ":0005\nhello\n")
    sys.stdout.write("\0hs:" + "f" * 32 + ":00zz\n")
    print("after")
elif how == "fd2":
    # Below sys.stderr: these never pass through Python's stream objects.
    print("stdout first", flush=True)
    os.write(2, b"c-level stderr\n")
    faulthandler.dump_traceback(all_threads=False)
    sys.stderr.buffer.write(b"buffer stderr\n")
    sys.stderr.flush()
    print("fileno %d %d isatty %s errors %s"
          % (sys.stdout.fileno(), sys.stderr.fileno(), sys.stderr.isatty(), sys.stderr.errors))
