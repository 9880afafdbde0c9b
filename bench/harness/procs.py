"""Start, pin, measure and stop processes (Linux /proc)."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

SERVER_CPU = 0
CLIENT_CPU = 1


def cpus_pick() -> tuple[int, int]:
    """Return (server CPU, client CPU): 0 and 1, or 0 and 0 on a one-core machine."""
    count = os.cpu_count() or 1
    return (SERVER_CPU, CLIENT_CPU if count > 1 else SERVER_CPU)


def nofile_raise() -> int:
    """Raise this process's soft open-file limit to the hard limit; return the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def port_free() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_wait(port: int, *, timeout: float, proc: subprocess.Popen | None = None) -> None:
    """Wait until something accepts connections on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process {proc.args!r} exited with {proc.returncode}")
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listened on 127.0.0.1:{port} within {timeout:.0f} s")


def _preexec_nofile() -> None:
    # Children of taskset inherit the raised limit (servers raise it again themselves).
    nofile_raise()


@dataclass
class Group:
    """Processes started by the bench, each in its own session, all stopped by ``stop_all``."""

    procs: list[subprocess.Popen] = field(default_factory=list)

    def start(
        self,
        argv: list[str],
        *,
        cpu: int | None,
        env: dict[str, str] | None = None,
        log: Path | None = None,
        stdin: int | None = subprocess.DEVNULL,
        stdout: int | None = None,
    ) -> subprocess.Popen:
        """Start argv in a new session (its own process group), pinned to ``cpu``."""
        if cpu is not None:
            argv = ["taskset", "-c", str(cpu), *argv]
        out = stdout
        logfile = None
        if out is None:
            logfile = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
            out = logfile
        proc = subprocess.Popen(
            argv,
            env=env,
            stdin=stdin,
            stdout=out,
            stderr=logfile if logfile is not None else subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_preexec_nofile,
        )
        if logfile not in (None, subprocess.DEVNULL):
            logfile.close()
        self.procs.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen, *, grace: float = 5.0) -> None:
        """Stop one process and its whole process group: SIGTERM, then SIGKILL."""
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=grace)
        else:
            # The leader is gone; children left in its group still go.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        if proc in self.procs:
            self.procs.remove(proc)

    def stop_all(self) -> None:
        """Stop every process this group started, newest first."""
        for proc in reversed(list(self.procs)):
            self.stop(proc)


def tree_pids(root: int) -> list[int]:
    """Return root and all its descendants (by parent pid in /proc), skipping taskset shims."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def proc_name(pid: int) -> str:
    """Return the command line of pid, shortened."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()[:80]


def cpu_ns(pid: int) -> int:
    """Return CPU time consumed so far by all threads of pid, in nanoseconds.

    Sums /proc/<pid>/task/*/schedstat (nanosecond run time); falls back to
    utime+stime from /proc/<pid>/stat (clock ticks) where schedstat is absent.
    """
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0
    try:
        for tid in tasks:
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                total += int(Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()[0])
        if total:
            return total
    except (OSError, ValueError):
        pass
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    ticks = int(fields[11]) + int(fields[12])
    return ticks * 1_000_000_000 // os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int) -> int:
    """Return the resident set size of pid in bytes (VmRSS), 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def fd_count(pid: int) -> int:
    """Return the number of open file descriptors of pid."""
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def snapshot(pids: list[int]) -> dict[int, dict[str, int]]:
    """Return {pid: {cpu_ns, rss, fds}} for each pid."""
    return {
        pid: {"cpu_ns": cpu_ns(pid), "rss": rss_bytes(pid), "fds": fd_count(pid)} for pid in pids
    }
