"""The production stack for bench/bench_attack.py: `manage.py serve` started, supervised and
stopped, raw requests from chosen loopback addresses, what a request costs gunicorn's
workers (CPU time and peak memory, from /proc), and a throwaway PostgreSQL server."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers import manage, production_env  # noqa: E402

HOSTILE = "127.0.0.3"  # the attacker's address; probes and other clients use others
TICKS = os.sysconf("SC_CLK_TCK")
POSTGRES_BIN = Path("/usr/lib/postgresql")


def free_port(ports: range) -> int:
    for port in ports:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit(f"no free port in {ports.start}-{ports.stop - 1}")


class Stack:
    """`manage.py serve` on 127.0.0.1:`port`, production settings over plain HTTP, its
    output in `folder`/serve.log. `restart` starts it again, as a supervisor would."""

    def __init__(self, folder: Path, port: int, **settings: str):
        self.folder, self.port, self.process = folder, port, None
        self.log = folder / "serve.log"
        self.env = production_env(
            DJANGO_DEBUG="0", DJANGO_HTTPS="0", DJANGO_STATIC_ROOT=str(folder / "static"),
            DATABASE_URL=f"sqlite:///{folder / 'digits.sqlite3'}", WEB_CONCURRENCY="2", TMPDIR=str(folder),
            DJANGO_BEHIND_PROXY="1",  # 127.0.0.1 is a trusted front proxy: the load says its clients
        )  # fmt: skip
        self.env.update(settings)
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
            if (done := manage(*command, env=self.env)).returncode:
                raise SystemExit(done.stderr)

    def start(self, tries: int = 3) -> float:
        """Start serve (again, if it exits at once); the seconds until /healthz answers."""
        started = time.monotonic()
        for _ in range(tries):
            with self.log.open("ab") as out:
                command = [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{self.port}"]
                self.process = subprocess.Popen(
                    command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
                )
            if self.wait_answering(60):
                return time.monotonic() - started
            time.sleep(0.5)
        raise SystemExit(f"serve never answered:\n{self.log.read_text()[-3000:]}")

    def wait_answering(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.process.poll() is None:
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2).status == 200:
                    return True
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=90)

    def processes(self) -> dict[str, list[int]]:
        """The stack's processes by what they are: serve, nginx, nginx worker, gunicorn, gunicorn worker."""
        found = {
            "serve": [self.process.pid],
            "nginx": [],
            "nginx worker": [],
            "gunicorn": [],
            "gunicorn worker": [],
        }
        for pid, line in children(self.process.pid):
            kind = "nginx" if "nginx" in line else "gunicorn"
            found[kind].append(pid)
            found[f"{kind} worker"] += [child for child, _ in children(pid)]
        return found


def children(pid: int) -> list[tuple[int, str]]:
    out = subprocess.run(
        ["ps", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True, check=False
    )
    return [(int(line.split(None, 1)[0]), line) for line in out.stdout.splitlines()]


def raw(
    port: int, data: bytes, source: str = HOSTILE, timeout: float = 30
) -> tuple[int | None, bytes, bytes]:
    """Send `data` on a fresh connection: (status or None if dropped, head, body)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout, (source, 0)) as s:
            s.sendall(data)
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
    except OSError:
        return None, b"", b""
    answer = b"".join(chunks)
    if not answer.startswith(b"HTTP/"):
        return None, b"", b""
    head, _, body = answer.partition(b"\r\n\r\n")
    if b"transfer-encoding: chunked" in head.lower():  # the short answers here come in one chunk
        body = body.split(b"\r\n")[1]
    return int(head.split(b" ", 2)[1]), head, body


def request(method: str, path: str, body: bytes = b"", ctype: str = "application/json", **headers) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"Content-Type: {ctype}"] * bool(ctype) + [f"Content-Length: {len(body)}"]
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return "\r\n".join(lines).encode() + b"\r\n\r\n" + body


def status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


class WorkerMeter:
    """What requests cost the gunicorn workers: CPU seconds, and how far a worker's peak
    resident memory rose above its resident memory before (VmHWM, reset through clear_refs)."""

    def __init__(self, stack: Stack):
        self.workers = stack.processes()["gunicorn worker"]

    def __enter__(self):
        self.rss, self.cpu = {}, {}
        for pid in self.workers:
            with contextlib.suppress(OSError):
                Path(f"/proc/{pid}/clear_refs").write_text("5")
                self.rss[pid], self.cpu[pid] = status_kib(pid, "VmRSS:"), cpu_seconds(pid)
        return self

    def __exit__(self, *exc):
        self.seconds, self.mb = 0.0, 0.0
        for pid, rss in self.rss.items():
            with contextlib.suppress(OSError):
                self.seconds += cpu_seconds(pid) - self.cpu[pid]
                self.mb = max(self.mb, (status_kib(pid, "VmHWM:") - rss) / 1024)


@contextlib.contextmanager
def postgres(folder: Path, port: int):
    """A PostgreSQL server of its own on 127.0.0.1:`port`, with a database `digits` that the
    role `digits` owns: (its DATABASE_URL, a function that stops it, one that starts it)."""
    binaries = max(POSTGRES_BIN.glob("*/bin"), key=lambda p: float(p.parent.name), default=None)
    if binaries is None:
        raise SystemExit("PostgreSQL not found: apt-get install postgresql")
    data = Path(tempfile.mkdtemp(prefix="digits-pg-", dir=folder))
    as_owner: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        as_owner = ["runuser", "-u", "postgres", "--"]
        shutil.chown(data, "postgres", "postgres")
        data.chmod(0o700)

    def run(*args):
        subprocess.run([*as_owner, *args], check=True, capture_output=True, timeout=120)

    def start():
        options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1"
        run(binaries / "pg_ctl", "-D", data, "-o", options, "-l", data / "log", "-w", "start")

    def stop():
        run(binaries / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop")

    run(binaries / "initdb", "-D", data, "-A", "trust", "-U", "digits", "--no-sync")
    start()
    try:
        run(binaries / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "digits", "digits")
        yield f"postgres://digits@127.0.0.1:{port}/digits", stop, start
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            stop()
        shutil.rmtree(data, ignore_errors=True)
