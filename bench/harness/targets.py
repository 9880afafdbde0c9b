"""The servers under test: nginx+nchan, the plain asyncio anchor, Newsdesk.

Each target starts its server pinned to the server CPU, names the reader path,
publishes message ``i`` of a run (returning the send time) and lists the
server's process ids. Every process goes through a ``procs.Group`` so the
bench stops it whatever happens.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness.procs import Group, port_free, port_wait, tree_pids

ANCHORS = Path(__file__).resolve().parent.parent / "anchors"
REPO = Path(__file__).resolve().parent.parent.parent


def payload(*, token: str, index: int, size: int) -> bytes:
    """Return message ``index`` of a run: its marker, then filler words up to ``size`` bytes."""
    head = f"BENCHMSG{token}-{index:03d} ".encode()
    filler = b"lorem ipsum dolor sit amet " * (size // 27 + 1)
    return (head + filler)[:size]


class Conn:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1 for set-up calls and publishing."""

    def __init__(self, port: int, *, headers: dict[str, str] | None = None) -> None:
        self.port = port
        self.headers = headers or {}
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        hdrs = {**self.headers, **(headers or {})}
        self.http.request(method, path, body=body, headers=hdrs)
        resp = self.http.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def send_timed(self, raw: bytes) -> tuple[int, int, bytes]:
        """Send a pre-built request; return (send time ns, status, body).

        The send time is CLOCK_REALTIME, the clock of the kernel's receive
        timestamps the load client reads, taken right before the write.
        """
        for attempt in (1, 2):
            if self.http.sock is None:
                self.http.connect()
            sock = self.http.sock
            sent_at = time.time_ns()
            try:
                sock.sendall(raw)
                resp = http.client.HTTPResponse(sock, method="POST")
                resp.begin()
                data = resp.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed the idle keep-alive connection: reconnect once.
                self.http.close()
                if attempt == 2:
                    raise
                continue
            if resp.will_close:
                self.http.close()
            return sent_at, resp.status, data
        raise AssertionError("unreachable")

    def fresh(self) -> None:
        """Open a new connection now, so the first timed send does not pay for a connect."""
        self.http.close()
        self.http.connect()

    def close(self) -> None:
        self.http.close()


def raw_post(port: int, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Target:
    """A server under test; subclasses fill in start, publish and the reader path."""

    name = "target"
    label = "target"

    def __init__(self, group: Group, *, cpu: int, workdir: Path) -> None:
        self.group = group
        self.cpu = cpu
        self.workdir = workdir
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.conn: Conn | None = None

    @property
    def sub_path(self) -> str:
        raise NotImplementedError

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if self.proc is not None:
            self.group.stop(self.proc)
            self.proc = None

    def server_pids(self) -> list[int]:
        assert self.proc is not None
        return tree_pids(self.proc.pid)

    def subscribers(self) -> int | None:
        """Return the server's own count of subscribed readers, where it offers one."""
        return None

    def publish(self, *, token: str, index: int, size: int) -> int:
        raise NotImplementedError

    def info(self) -> dict[str, object]:
        return {"name": self.name, "label": self.label}


class NchanTarget(Target):
    name = "nchan"
    label = "nginx + nchan"

    def __init__(self, group: Group, *, cpu: int, workdir: Path, nginx: str, module: str) -> None:
        super().__init__(group, cpu=cpu, workdir=workdir)
        self.nginx = nginx
        self.module = module

    @property
    def sub_path(self) -> str:
        return "/sub"

    def start(self) -> None:
        self.port = port_free()
        conf_dir = Path(tempfile.mkdtemp(prefix="nchan-", dir=self.workdir))
        conf = (ANCHORS / "nchan.conf").read_text()
        conf = conf.replace("@DIR@", str(conf_dir)).replace("@PORT@", str(self.port))
        conf = conf.replace("@MODULE@", self.module)
        (conf_dir / "nginx.conf").write_text(conf)
        self.proc = self.group.start(
            [
                self.nginx,
                "-p",
                str(conf_dir),
                "-e",
                str(conf_dir / "error.log"),
                "-c",
                str(conf_dir / "nginx.conf"),
            ],
            cpu=self.cpu,
            log=conf_dir / "stderr.log",
        )
        port_wait(self.port, timeout=10, proc=self.proc)
        self.conn = Conn(self.port)

    def subscribers(self) -> int | None:
        assert self.conn is not None
        status, _, body = self.conn.request("GET", "/pub", headers={"Accept": "application/json"})
        if status == 404:  # no channel yet: nobody subscribed
            return 0
        return int(json.loads(body)["subscribers"])

    def publish(self, *, token: str, index: int, size: int) -> int:
        assert self.conn is not None
        raw = raw_post(
            self.port,
            "/pub",
            payload(token=token, index=index, size=size),
            {"Content-Type": "text/plain"},
        )
        sent_at, status, body = self.conn.send_timed(raw)
        if status not in (201, 202):
            raise RuntimeError(f"nchan publish answered {status}: {body[:200]!r}")
        return sent_at


class AsyncioTarget(Target):
    name = "asyncio"
    label = "plain asyncio Protocol (uvloop)"

    @property
    def sub_path(self) -> str:
        return "/sub"

    def start(self) -> None:
        self.port = port_free()
        self.proc = self.group.start(
            [sys.executable, "-m", "bench.anchors.asyncio_server", "--port", str(self.port)],
            cpu=self.cpu,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            log=self.workdir / "asyncio-anchor.log",
        )
        port_wait(self.port, timeout=10, proc=self.proc)
        self.conn = Conn(self.port)

    def subscribers(self) -> int | None:
        assert self.conn is not None
        _, _, body = self.conn.request("GET", "/stats")
        return int(json.loads(body)["subscribers"])

    def publish(self, *, token: str, index: int, size: int) -> int:
        assert self.conn is not None
        raw = raw_post(self.port, "/pub", payload(token=token, index=index, size=size), {})
        sent_at, status, body = self.conn.send_timed(raw)
        if status != 200:
            raise RuntimeError(f"asyncio anchor publish answered {status}: {body[:200]!r}")
        return sent_at


class NewsdeskTarget(Target):
    """``newsdesk serve`` on a temporary SQLite data directory; entries published through the API."""

    name = "newsdesk"

    def __init__(
        self, group: Group, *, cpu: int, workdir: Path, workers: int = 1, redis_url: str = ""
    ) -> None:
        super().__init__(group, cpu=cpu, workdir=workdir)
        self.workers = workers
        self.redis_url = redis_url
        self.label = f"Newsdesk ({workers} worker{'s' if workers > 1 else ''}{', Redis' if redis_url else ''})"
        if workers > 1 or redis_url:
            self.name = f"newsdesk-w{workers}{'-redis' if redis_url else ''}"
        self.data_dir: Path | None = None
        self.env: dict[str, str] = {}
        self.token = ""
        self.story: dict[str, object] = {}
        self.launches = 0
        self.ready_s = 0.0

    def _newsdesk(self) -> str:
        found = shutil.which("newsdesk", path=str(Path(sys.executable).parent)) or shutil.which(
            "newsdesk"
        )
        if not found:
            raise RuntimeError("the newsdesk command is not installed (pip install -e .)")
        return found

    def prepare(self) -> None:
        """Create the data directory, migrate SQLite and create the bench editor with a token."""
        self.data_dir = Path(tempfile.mkdtemp(prefix="newsdesk-", dir=self.workdir))
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")},
            "NEWSDESK_DATA_DIR": str(self.data_dir),
            "NEWSDESK_DEBUG": "0",
            "NEWSDESK_LOG_LEVEL": "WARNING",
            # Reads are not what is measured; keep the background worker quiet.
            "NEWSDESK_BACKGROUND": "0",
        }
        if self.redis_url:
            self.env["NEWSDESK_REDIS_URL"] = self.redis_url
        cmd = self._newsdesk()
        for argv in ([cmd, "migrate"],):
            proc = subprocess.run(
                argv, env=self.env, capture_output=True, text=True, timeout=300, check=False
            )
            if proc.returncode:
                raise RuntimeError(f"{' '.join(argv)} failed: {proc.stderr[-500:]}")
        proc = subprocess.run(
            [cmd, "createeditor", "bench", "--role", "editor", "--token"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if proc.returncode:
            raise RuntimeError(f"newsdesk createeditor failed: {proc.stderr[-500:]}")
        self.token = proc.stdout.strip().splitlines()[-1].strip()

    @property
    def sub_path(self) -> str:
        return str(self.story["events_url"])

    def start(self) -> None:
        if self.data_dir is None:
            self.prepare()
        self.port = port_free()
        started = time.monotonic()
        self.proc = self.group.start(
            [
                self._newsdesk(),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
            ],
            cpu=self.cpu,
            env=self.env,
            log=self.workdir / f"{self.name}.log",
        )
        port_wait(self.port, timeout=60, proc=self.proc)
        self.conn = Conn(
            self.port,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _, _ = self.conn.request("GET", "/healthz")
            except OSError:
                status = 0
                self.conn.close()
            if status == 200:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"newsdesk /healthz answered {status}")
            time.sleep(0.1)
        self.ready_s = time.monotonic() - started
        if self.workers > 1:
            # Every worker must be up before readers connect, or the first gets them all.
            deadline = time.monotonic() + 30
            while len(self.worker_pids()) < self.workers and time.monotonic() < deadline:
                time.sleep(0.1)
        self.launches += 1
        self.story = self.story_create()

    def api(
        self, method: str, path: str, body: dict[str, object] | None = None
    ) -> tuple[int, dict[str, object]]:
        assert self.conn is not None
        status, _, data = self.conn.request(
            method, path, body=json.dumps(body).encode() if body is not None else None
        )
        return status, json.loads(data) if data else {}

    def story_create(self) -> dict[str, object]:
        """Create (once) the bench section, then a fresh live story for this launch."""
        status, body = self.api("POST", "/api/sections", {"name": "Bench", "slug": "bench"})
        if status not in (201, 409):
            raise RuntimeError(f"POST /api/sections answered {status}: {body}")
        status, body = self.api(
            "POST",
            "/api/stories",
            {
                "headline": f"Live updates: bench run {self.launches}",
                "standfirst": "Follow the benchmark as it happens.",
                "section": "bench",
                "live": True,
            },
        )
        if status != 201:
            raise RuntimeError(f"POST /api/stories answered {status}: {body}")
        return body

    def entries_publish(self, count: int, *, size: int) -> None:
        """Publish ``count`` filler entries (for the page benchmark's story)."""
        for i in range(count):
            text = payload(token="page00", index=i % 1000, size=size).decode()
            status, body = self.api(
                "POST", f"/api/stories/{self.story['id']}/entries", {"body": text}
            )
            if status != 201:
                raise RuntimeError(f"publishing an entry answered {status}: {body}")

    def worker_pids(self) -> list[int]:
        """Return the serving processes: the uvicorn workers, or the one server."""
        pids = self.server_pids()
        if self.workers == 1:
            return pids[:1]
        assert self.proc is not None
        # uvicorn's supervisor spawns the workers (plus a multiprocessing tracker).
        return [p for p in pids if p != self.proc.pid and _is_worker(p)]

    def publish(self, *, token: str, index: int, size: int) -> int:
        assert self.conn is not None
        # The marker goes in the entry body; the SSE event carries it once, in
        # the rendered fragment, around which the event adds its own bytes.
        body = json.dumps({"body": payload(token=token, index=index, size=size).decode()}).encode()
        raw = raw_post(
            self.port,
            f"/api/stories/{self.story['id']}/entries",
            body,
            {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        sent_at, status, data = self.conn.send_timed(raw)
        if status != 201:
            raise RuntimeError(f"POST entries answered {status}: {data[:300]!r}")
        return sent_at

    def info(self) -> dict[str, object]:
        return {
            **super().info(),
            "workers": self.workers,
            "redis": self.redis_url,
            "ready_s": round(self.ready_s, 3),
            "story": {k: self.story.get(k) for k in ("id", "url", "events_url")},
        }


def _is_worker(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"resource_tracker" not in cmdline
