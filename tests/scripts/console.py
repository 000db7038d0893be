"""Writes to the console the way argv[1] says: interleave N, forged, fd2, midline, prompt."""
import faulthandler
import fcntl
import os
import signal
import struct
import sys
import termios
import time


def wait_until_read(fd):
    """Until the app has read all that is in the pipe on `fd`."""
    while struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0] > 0:
        time.sleep(0.001)


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
elif how == "midline":
    # The app reads fd 2's line while stdout's is half written.
    os.write(1, b"begun ")
    wait_until_read(1)
    os.write(2, b"between\n")
    wait_until_read(2)
    os.write(1, b"ended\n")
elif how == "prompt":
    # A line left unfinished, as a prompt is, then fd 2's output.
    os.write(1, b"Name: ")
    wait_until_read(1)
    os.write(2, b"warning\n")
    signal.pause()
