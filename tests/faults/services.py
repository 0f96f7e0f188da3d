"""Private RabbitMQ and PostgreSQL instances that fault tests may stop and restart.

Each lives on its own ports and data directory; the machine's shared services are
never touched. Binaries come from the Debian packages the machine has installed.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

RABBITMQ_SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(0.2)


class PrivateRabbitMQ:
    """A RabbitMQ node of its own; its data directory survives stop/start like a real restart."""

    available = RABBITMQ_SERVER.exists()

    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="channelhub-rabbit-"))
        self.port = free_port()
        self.dist_port = free_port()
        self.name = f"chfault{self.port}@localhost"
        (self.base / "enabled_plugins").write_text("[].\n")
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "HOME": str(self.base),
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.base / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.base / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(self.base / "rabbitmq"),
            "RABBITMQ_PID_FILE": str(self.base / "pid"),
        }

    def start(self, timeout: float = 90) -> None:
        log = open(self.base / "server.out", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(RABBITMQ_SERVER)],
            env=self.env(),
            cwd=self.base,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        wait_until(self._amqp_ready, timeout, f"private RabbitMQ on port {self.port}")

    def _amqp_ready(self) -> bool:
        import pika

        if not port_open(self.port):
            return False
        try:
            pika.BlockingConnection(pika.URLParameters(self.url + "?socket_timeout=2")).close()
        except Exception:  # not accepting AMQP yet
            return False
        return True

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        wait_until(lambda: not port_open(self.port), 30, "private RabbitMQ to stop listening")

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


def _postgres_bin() -> Path | None:
    root = Path("/usr/lib/postgresql")
    versions = sorted(root.glob("*/bin/pg_ctl")) if root.exists() else []
    return versions[-1].parent if versions else None


class PrivatePostgres:
    """A PostgreSQL cluster of its own (initdb), run as the `postgres` user when we are root."""

    bin_dir = _postgres_bin()
    available = bin_dir is not None

    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="channelhub-pg-"))
        self.data = self.base / "data"
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.base, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin_dir / tool), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.base, timeout=120)

    def _ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.base / "server.log"),
            "-o",
            options,
            "-w",
            "-m",
            "fast",
            action,
        )

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("stop")

    def restart(self) -> None:
        self._ctl("restart")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self._ctl("stop")
        shutil.rmtree(self.base, ignore_errors=True)
