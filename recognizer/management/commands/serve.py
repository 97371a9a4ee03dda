"""`manage.py serve --bind HOST:PORT`: the production stack, in the foreground.

nginx listens on HOST:PORT, buffers every request and answer, serves the static files and
limits predictions per client (digitsite/nginx.conf); gunicorn runs the site behind it
(digitsite/gunicorn.conf.py) on a loopback socket that this command opens and hands over,
so no port is raced for. SIGTERM or Ctrl-C stops them gracefully, then for good.

This command owns every process of the stack. nginx and gunicorn each run in a process
group of their own, with their workers, and are told to stop should this process die; this
process is their workers' reaper too (a child subreaper), so a worker whose master died is
still its child. If nginx or gunicorn dies, the rest is stopped, group by group, every
process is waited for, and the command exits with an error: nothing is left holding the
port, and a supervisor's restart (systemd's Restart=) works at once.

Requests answered 429 (nginx's limits, the site's) are counted, not logged: a line a minute
says how many.
"""

from __future__ import annotations

import contextlib
import ctypes
import grp
import logging
import os
import pwd
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template import Context, Engine

from recognizer.logs import SUMMARY_SECONDS

NGINX = "/usr/sbin/nginx"  # Debian's
MIME_TYPES = Path("/etc/nginx/mime.types")
GRACE_SECONDS = 10  # for requests in flight, before the stack is stopped at once
GUNICORN_GRACE_SECONDS = 35  # its graceful_timeout and a margin: then it has killed its workers
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36
REFUSED_LOG = "refused.log"  # a byte for each request answered 429
log = logging.getLogger("recognizer.serve")


class Command(BaseCommand):
    help = "Run the production stack in the foreground: nginx on HOST:PORT in front of gunicorn."

    def add_arguments(self, parser):
        port = settings.PORT
        parser.add_argument(
            "--bind", default=f"0.0.0.0:{port}", help=f"HOST:PORT for nginx (default 0.0.0.0:{port})"
        )

    def handle(self, *args, bind: str, **options):
        listen = listen_address(bind)
        check_ready_for_production()
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1)
        stop_requested: list[int] = []
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda signum, frame: stop_requested.append(signum))
        with tempfile.TemporaryDirectory(prefix="digits-serve-") as run_dir:
            os.chmod(run_dir, 0o755)  # nginx's workers, if they drop to another user, write here
            children: dict[str, subprocess.Popen] = {}
            try:
                start_stack(listen, run_dir, children)
                self.stdout.write(f"serving on http://{listen} (nginx in front of gunicorn); Ctrl-C stops")
                self.stdout.flush()
                watch(children, Path(run_dir) / REFUSED_LOG, stop_requested)
            finally:
                died = [name for name, child in children.items() if exited(child)]
                stop(children, quick=bool(died))
        if died and not stop_requested:
            raise CommandError(
                ", ".join(f"{name} exited with status {children[name].returncode}" for name in died)
                + "; the rest of the stack was stopped"
            )


def watch(children: dict[str, subprocess.Popen], refused: Path, stop_requested: list) -> None:
    """Until a stop is asked for or a child exits; the refusals counted once a minute."""
    counted = time.monotonic()
    while not stop_requested and not any(exited(child) for child in children.values()):
        time.sleep(0.2)
        if time.monotonic() - counted >= SUMMARY_SECONDS:
            counted = count_refusals(refused, counted)
    count_refusals(refused, counted)


def exited(child: subprocess.Popen) -> bool:
    """Whether the child has exited, leaving it unreaped: its process group's id stays its
    own until `stop` has signalled the group."""
    flags = os.WEXITED | os.WNOHANG | os.WNOWAIT
    return child.returncode is not None or os.waitid(os.P_PID, child.pid, flags) is not None


def count_refusals(refused: Path, since: float) -> float:
    """Say how many requests were answered 429 since `since` (a byte each in `refused`)."""
    now = time.monotonic()
    with contextlib.suppress(FileNotFoundError):
        count = refused.stat().st_size
        if count:
            os.truncate(refused, 0)  # nginx appends: it goes on from the start
            log.warning("requests answered 429 (too many) in the last %d s: %d", now - since, count)
    return now


def start_stack(listen: str, run_dir: str, children: dict[str, subprocess.Popen]) -> None:
    """gunicorn on a loopback socket opened here and handed over, then nginx in front."""
    with socket.create_server(("127.0.0.1", 0), backlog=2048) as upstream:
        config = Path(run_dir) / "nginx.conf"
        config.write_text(nginx_config(listen, upstream.getsockname()[1], run_dir))
        children["gunicorn"] = start_gunicorn(upstream)
        children["nginx"] = start([NGINX, "-p", run_dir, "-c", str(config), "-e", "stderr"])


def listen_address(bind: str) -> str:
    """HOST:PORT (a bracketed IPv6 host allowed) as nginx's listen wants it."""
    host, sep, port = bind.rpartition(":")
    if not sep or not host or not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise CommandError(f"--bind must be HOST:PORT, e.g. 127.0.0.1:8000, not {bind!r}")
    return f"{host}:{port}"


def check_ready_for_production() -> None:
    if settings.DEBUG:
        raise CommandError(
            "serve runs the production stack: set DJANGO_DEBUG=0 (and the other production settings)"
        )
    if settings.STATIC_ROOT is None or not (Path(settings.STATIC_ROOT) / "staticfiles.json").is_file():
        raise CommandError("no collected static files: run `python3 manage.py collectstatic --noinput` first")
    if not (os.access(NGINX, os.X_OK) and MIME_TYPES.is_file()):
        raise CommandError(f"nginx is needed at {NGINX}: apt-get install nginx")


def nginx_config(listen: str, upstream_port: int, run_dir: str) -> str:
    template = Engine(autoescape=False).from_string(
        (settings.BASE_DIR / "digitsite" / "nginx.conf").read_text()
    )
    return template.render(
        Context(
            {
                "user": worker_user(),
                "worker_processes": "auto",
                "run_dir": run_dir,
                "refused_log": Path(run_dir) / REFUSED_LOG,
                "front_proxies": [str(network) for network in settings.TRUSTED_PROXIES],
                "mime_types": MIME_TYPES,
                "listen": listen,
                "upstream": f"127.0.0.1:{upstream_port}",
                "static_root": Path(settings.STATIC_ROOT).resolve(),
                "max_request_bytes": settings.MAX_REQUEST_BYTES,
                "predict_rate_limit": settings.PREDICT_RATE_LIMIT,
                "predict_burst": max(1, settings.PREDICT_RATE_LIMIT // 6),  # ten seconds' worth
                "predict_concurrency_limit": settings.PREDICT_CONCURRENCY_LIMIT,
            }
        )
    )


def worker_user() -> str | None:
    """Started as root, nginx's workers run as nobody; otherwise as whoever started it."""
    if os.geteuid() != 0:
        return None
    nobody = pwd.getpwnam("nobody")
    return f"nobody {grp.getgrgid(nobody.pw_gid).gr_name}"


def start_gunicorn(upstream: socket.socket) -> subprocess.Popen:
    """gunicorn on the already-listening loopback socket, its access log left to nginx."""
    fd = upstream.fileno()
    # Behind this nginx, which connects from loopback and says the scheme and the client.
    env = {
        **os.environ,
        "BIND": f"fd://{fd}",
        "DJANGO_BEHIND_PROXY": "1",
        "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
    }
    config = settings.BASE_DIR / "digitsite" / "gunicorn.conf.py"
    command = [sys.executable, "-m", "gunicorn", "-c", str(config), "--access-logfile", os.devnull]
    return start([*command, "digitsite.wsgi"], env=env, pass_fds=(fd,))


def start(command: list[str], **options) -> subprocess.Popen:
    """A child in its own process group (Ctrl-C reaches only this command, which stops it
    in order) that the kernel sends SIGTERM should this process die."""
    return subprocess.Popen(  # this command starts no threads, so preexec_fn is safe here
        command,
        cwd=settings.BASE_DIR,
        process_group=0,
        preexec_fn=terminate_with_parent,  # noqa: PLW1509
        **options,
    )


def terminate_with_parent() -> None:
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def stop(children: dict[str, subprocess.Popen], quick: bool = False) -> None:
    """Every process of the stack, group by group: gracefully (nginx: SIGQUIT, gunicorn:
    SIGTERM; both finish what they are serving), or at once when `quick` (one of them has
    died: what the other is serving can no longer be answered; nginx SIGTERM, gunicorn
    SIGKILL, a transaction cut short rolls back), then, past the grace period,
    at once (nginx: SIGTERM), then for good (SIGKILL); then each is waited for, a dead
    master's workers too."""
    graceful = {"nginx": signal.SIGQUIT, "gunicorn": signal.SIGTERM}
    first = {"nginx": signal.SIGTERM, "gunicorn": signal.SIGKILL} if quick else graceful
    for name, child in children.items():
        signal_group(child, first[name])
    if not wait_all(children.values(), GRACE_SECONDS):
        if "nginx" in children:
            signal_group(children["nginx"], signal.SIGTERM)
        if not wait_all(children.values(), GUNICORN_GRACE_SECONDS):
            for child in children.values():
                signal_group(child, signal.SIGKILL)
            wait_all(children.values(), GRACE_SECONDS)
    if not reap_all(GRACE_SECONDS):  # workers of a master that died before them
        for child in children.values():
            signal_group(child, signal.SIGKILL)
        reap_all(GRACE_SECONDS)


def signal_group(child: subprocess.Popen, signum: int) -> None:
    """The child and its workers: its process group, which outlives it while they do."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signum)


def wait_all(children, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    for child in children:
        try:
            child.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            return False
    return True


def reap_all(seconds: float) -> bool:
    """Wait for every remaining child of this process (the orphans it reaps); True when
    none is left."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return True
        if pid == 0:
            time.sleep(0.05)
    return False
