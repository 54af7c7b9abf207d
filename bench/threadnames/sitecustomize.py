"""Loaded (through PYTHONPATH) only into processes the footprint bench measures: each Python
thread writes its name into /proc/self/task/TID/comm as it starts, so the bench (and `top -H`)
can tell the threads apart. Python 3.11 leaves every thread named after the program, and the
names it cuts to 15 characters are the kernel's limit. One small write per thread started."""

import threading

_run = threading.Thread._bootstrap_inner


def _named(self):
    try:
        with open(f"/proc/self/task/{threading.get_native_id()}/comm", "w") as comm:
            comm.write(self.name[:15])
    except OSError:
        pass
    _run(self)


threading.Thread._bootstrap_inner = _named
