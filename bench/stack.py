"""The site in processes of its own, as production runs it, for the tests that start it
and for the benchmarks that load and attack it: production's environment, `manage.py`
commands, a free port, waiting until a server answers, load from wrk and its figures.
For bench/bench_attack.py: `manage.py serve` started, supervised and stopped, raw
requests from chosen loopback addresses, what a request costs gunicorn's workers (CPU
time and peak memory, from /proc), and a throwaway PostgreSQL server."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = string.ascii_letters + string.digits  # 62 varied characters, as the deploy check wants
HOSTILE = "127.0.0.3"  # the attacker's address; probes and other clients use others
PROBE = "127.0.0.2"  # the probes' address: whether the site still answers others
TICKS = os.sysconf("SC_CLK_TCK")
POSTGRES_BIN = Path("/usr/lib/postgresql")


def production_env(**extra) -> dict:
    """This process's environment without its DJANGO_* settings, plus production's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    env.update(DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="digits.example.com,127.0.0.1", **extra)
    return env


def manage(*command: str, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def prepare_site(env: dict) -> None:
    """The database migrated and the static files collected, as the README's steps do."""
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        if (done := manage(*command, env=env)).returncode:
            raise RuntimeError(done.stderr)


def free_port(ports: range = range(8400, 8500)) -> int:
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


def answering(url: str, process: subprocess.Popen, seconds: float) -> bool:
    """Whether `url` answers 200 within `seconds`, polled while `process` runs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(url, timeout=2).status == 200:
                return True
        time.sleep(0.05)
    return False


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
        prepare_site(self.env)

    def start(self, tries: int = 3) -> float:
        """Start serve (again, if it exits at once); the seconds until /healthz answers."""
        started = time.monotonic()
        for _ in range(tries):
            with self.log.open("ab") as out:
                command = [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{self.port}"]
                self.process = subprocess.Popen(
                    command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
                )
            if answering(f"http://127.0.0.1:{self.port}/healthz", self.process, 60):
                return time.monotonic() - started
            time.sleep(0.5)
        raise SystemExit(f"serve never answered:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=90)

    def processes(self) -> dict[str, list[int]]:
        """The stack's processes by what they are: serve, nginx, nginx worker, gunicorn, gunicorn worker."""
        kinds = ("nginx", "nginx worker", "gunicorn", "gunicorn worker")
        found = {"serve": [self.process.pid]} | {kind: [] for kind in kinds}
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


def post_script(body: str) -> str:
    """A wrk Lua script that POSTs `body` as JSON (predict needs no token or cookie)."""
    return f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\nwrk.headers["Content-Type"] = "application/json"\n'


def wrk(url: str, seconds: int, connections: int, script: str = "", check: bool = True) -> str:
    """What wrk prints after `seconds` of load from 2 threads over `connections` connections,
    each request made by the Lua `script`."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as f:
        f.write(script)
        f.flush()
        command = f"wrk -t2 -c{connections} -d{seconds}s --latency --timeout 5s -s {f.name} {url}".split()
        return subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=check
        ).stdout


def to_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def parse(out: str) -> dict:
    """wrk's figures: requests/s, p50 and p99 latency in ms, and errors (non-2xx/3xx counted)."""
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99": to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }
