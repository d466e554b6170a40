"""Pre-warmed kernels for the book build: a fresh kernel process per chapter, without paying for the imports.

Starting a kernel and importing numpy, scipy, pandas, matplotlib and t2lib costs about 2.7 s of CPU per chapter
(measured: 0.5 s for an empty kernel, 2.7 s with those imports). A *zygote* process imports the kernel machinery
and the heaviest of those libraries (:data:`PRELOAD`) once; each chapter's kernel is a ``fork`` of it, so every
chapter still runs in its own new process whose state is that of a fresh interpreter that has run those imports,
and nothing a chapter does reaches another chapter. The determinism check of the test suite executes every chapter
a second time in ordinary kernels (``T2LIB_NO_PREWARM=1``) and compares the outputs byte for byte, so a chapter
whose output would depend on the pre-warming fails that check.

How it plugs in: :class:`ZygoteKernelManager` (given to papermill as ``kernel_manager_class``) launches, instead of
``python -m ipykernel_launcher -f CONNECTION``, a tiny stdlib-only client (``python -S``) that hands the zygote
its command line, working directory, environment and standard streams; the zygote forks, the child becomes the
kernel, and the client stays as the process the kernel manager watches: it forwards signals (interrupt,
terminate) to the kernel and exits with the kernel's exit status. If the client is killed, the zygote kills the
kernel; if the zygote dies, its kernels die with it (``PR_SET_PDEATHSIG``). Linux only (``fork``,
``socket.send_fds``); :func:`start` returns ``None`` elsewhere and the build uses ordinary kernels.

Run as ``python -m t2lib._prewarm SOCKET`` (by :func:`start`).
"""
from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ENV_SOCKET = "T2LIB_KERNEL_ZYGOTE"  #: set (to the zygote's socket) in the build's workers while a zygote serves
ENV_DISABLE = "T2LIB_NO_PREWARM"  #: set to 1 to build with ordinary kernels

#: imported once by the zygote: the heavy libraries nearly every chapter imports, and only libraries whose import
#: does not depend on running inside a kernel. Not pandas: its display defaults are chosen at import from whether
#: it runs in a kernel (``display.max_columns`` 20 in a kernel, 0 in a terminal), so a pandas imported by the zygote
#: would print tables differently; not t2lib (it imports pandas); not jax (it starts threads).
PRELOAD = ("numpy", "scipy.optimize", "scipy.stats", "scipy.special", "scipy.interpolate", "matplotlib",
           "matplotlib.pyplot")

# The kernel command the kernel manager runs: connect, hand over argv/cwd/env and fds 0-2, wait for the exit status.
_CLIENT = r"""
import json, os, signal, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
req = json.dumps({"argv": sys.argv[2:], "cwd": os.getcwd(), "env": dict(os.environ)}).encode()
socket.send_fds(s, [len(req).to_bytes(8, "big") + req], [0, 1, 2])
f = s.makefile("r")
pid = int(f.readline())
def forward(signum, frame):
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
    signal.signal(sig, forward)
line = f.readline()
sys.exit(int(line) if line.strip() else 1)
"""


def available() -> bool:
    """Whether pre-warmed kernels can be used here (Linux, and not disabled with ``T2LIB_NO_PREWARM=1``)."""
    return sys.platform.startswith("linux") and hasattr(socket, "send_fds") and os.environ.get(ENV_DISABLE) != "1"


class Zygote:
    """A running zygote (see :func:`start`); ``stop()`` ends it and every kernel it still serves."""

    def __init__(self, proc: subprocess.Popen, path: str, tmp: str):
        self.proc, self.path, self._tmp = proc, path, tmp

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        try:
            os.unlink(self.path)
            os.rmdir(self._tmp)
        except OSError:
            pass


def start(timeout: float = 120) -> Zygote | None:
    """Start a zygote and wait until it has imported :data:`PRELOAD`; ``None`` if unavailable or if it fails."""
    if not available():
        return None
    tmp = tempfile.mkdtemp(prefix="t2lib-kernels-")
    path = os.path.join(tmp, "zygote.sock")
    proc = subprocess.Popen([sys.executable, "-m", "t2lib._prewarm", path], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=None, text=True, cwd=Path(__file__).resolve().parents[1])
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    line = proc.stdout.readline() if ready else ""
    if line.strip() != "ready":
        proc.kill()
        proc.wait()
        return None
    proc.stdout.close()
    return Zygote(proc, path, tmp)


def kernel_manager_class():
    """A jupyter_client kernel manager whose kernels are forks of the zygote at ``$T2LIB_KERNEL_ZYGOTE``."""
    from jupyter_client import AsyncKernelManager

    class ZygoteKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            cmd = super().format_kernel_cmd(extra_arguments)
            return [sys.executable, "-S", "-c", _CLIENT, os.environ[ENV_SOCKET], *cmd]

    return ZygoteKernelManager


# --------------------------------------------------------------------------- the zygote process
def _recv_request(conn: socket.socket) -> tuple[dict, list[int]]:
    data, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
    n = int.from_bytes(data[:8], "big")
    data = data[8:]
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("client closed the connection")
        data += chunk
    return json.loads(data), fds


def _become_kernel(req: dict, fds: list[int]) -> None:
    """In the forked child: take over the client's streams, directory and environment, then run the kernel."""
    import ctypes
    import random

    code = 1
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the zygote
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(req["cwd"])
        os.environ.clear()
        os.environ.update(req["env"])
        argv = req["argv"]  # [python, -m, ipykernel_launcher, -f, CONNECTION, ...]
        i = argv.index("-m") if "-m" in argv else -1
        sys.argv = [argv[i + 1] if i >= 0 else argv[0], *argv[i + 2:]]
        sys.path[0] = os.getcwd()  # as for ``python -m`` started in this directory
        random.seed()  # a fresh interpreter's unseeded generators: from the OS, not the zygote's copy
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        from ipykernel import kernelapp

        # the parent to poll is the zygote (a fresh kernel polls the process that started it, $JPY_PARENT_PID)
        kernelapp.launch_new_instance(argv=[*sys.argv[1:], f"--IPKernelApp.parent_handle={os.getppid()}"])
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:  # noqa: BLE001 - report, then leave this process (never return to the zygote's loop)
        import traceback

        traceback.print_exc()
    finally:
        try:
            import atexit

            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve(path: str) -> None:
    """The zygote: import :data:`PRELOAD`, then fork one kernel per connection on the unix socket ``path``."""
    import importlib

    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")  # what the kernel sets
    import ipykernel.kernelapp  # noqa: F401 - the kernel machinery

    for name in PRELOAD:
        importlib.import_module(name)
    parent = os.getppid()
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(16)
    kernels: dict[socket.socket, int] = {}
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    print("ready", flush=True)
    while not stopping and os.getppid() == parent:
        try:
            readable, _, _ = select.select([srv, *kernels], [], [], 0.5)
        except InterruptedError:
            continue
        for conn in readable:
            if conn is srv:
                c, _ = srv.accept()
                try:
                    req, fds = _recv_request(c)
                except (OSError, ValueError):
                    c.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    srv.close()
                    for other in kernels:
                        other.close()
                    c.close()
                    _become_kernel(req, fds)
                for fd in fds:
                    os.close(fd)
                kernels[c] = pid
                c.sendall(f"{pid}\n".encode())
            else:  # the client went away (killed): its kernel goes too
                pid = kernels.pop(conn)
                conn.close()
                _kill(pid)
        while kernels:  # report the exit status of every kernel that has ended
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            for conn, p in list(kernels.items()):
                if p == pid:
                    del kernels[conn]
                    try:
                        conn.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())
                    except OSError:
                        pass
                    conn.close()
    for conn, pid in kernels.items():
        _kill(pid)
        conn.close()
    srv.close()


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


if __name__ == "__main__":  # pragma: no cover - started by start()
    serve(sys.argv[1])
