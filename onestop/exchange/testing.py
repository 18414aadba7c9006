"""Real onestop instances as subprocesses (their own data dir and SQLite database, gunicorn on
a loopback port, `onestop worker`), for the two-instance exchange test and the benchmark."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ONESTOP = str(Path(sys.executable).with_name("onestop"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Instance:
    def __init__(self, root: Path, *, name: str, keys: Path, peers: dict[str, Any],
                 port: int | None = None, extra_env: dict[str, str] | None = None) -> None:
        self.root = root / name
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "ONESTOP_DATA_DIR": str(self.root),
            "ONESTOP_SECRET_KEY": f"test-instance-{name}-not-secret",
            "ONESTOP_EXCHANGE_KEYS_DIR": str(keys),
            "ONESTOP_EXCHANGE_TRUST": str(keys / "demo-ca.cert.pem"),
            "ONESTOP_EXCHANGE_PEERS": json.dumps(peers),
            "ONESTOP_EXCHANGE_RETRY_BASE": "1",
            "ONESTOP_EXCHANGE_RETRY_MAX": "2",
            "ONESTOP_EXCHANGE_INTERVAL": "1",
            "ONESTOP_LOG_LEVEL": "WARNING",
            **(extra_env or {}),
        }
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None

    def run(self, *args: str, check: bool = True, timeout: float = 600) -> str:
        result = subprocess.run([ONESTOP, *args], env=self.env, cwd=self.root,
                                capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"onestop {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def shell(self, code: str) -> str:
        """What the code printed (the shell's own banner line dropped)."""
        lines = self.run("shell", "-c", code).splitlines()
        return "\n".join(line for line in lines if "imported automatically" not in line).strip()

    def count(self, sql: str) -> int:
        """A number from this instance's SQLite database, read without starting a process."""
        with sqlite3.connect(self.root / "onestop.sqlite3", timeout=30) as db:
            return int(db.execute(sql).fetchone()[0])

    def delivered(self) -> int:
        return self.count("SELECT COUNT(*) FROM exchange_delivery WHERE state = 'delivered'")

    def status_count(self, code: str) -> int:
        return self.count(f"SELECT COUNT(*) FROM exchange_documentstatus "
                          f"WHERE status_code = '{code}'")

    def setup(self, agencies: dict[str, str]) -> None:
        self.run("migrate", "--no-input", "-v", "0")
        creates = "; ".join(
            f"Agency.objects.get_or_create(code={code!r}, defaults=dict(name={name!r}, "
            f"kind='department'))" for code, name in agencies.items())
        self.shell(f"from onestop.agencies.models import Agency; {creates}")

    def start_server(self) -> None:
        log = (self.root / "server.log").open("ab")
        self.server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "onestop.wsgi", "-b", f"127.0.0.1:{self.port}",
             "-w", "2", "--threads", "4", "--timeout", "60"],
            env=self.env, cwd=self.root, stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/api/v1/exchange/messages", timeout=2)
            except urllib.error.HTTPError:
                return  # 405 to a GET: the server answers
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"the server on {self.url} did not start")

    def stop_server(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None

    def start_worker(self) -> None:
        log = (self.root / "worker.log").open("ab")
        self.worker = subprocess.Popen(
            [ONESTOP, "worker", "--interval", "0.2", "--schedule-every", "1"],
            env=self.env, cwd=self.root, stdout=log, stderr=log)

    def stop_worker(self) -> None:
        if self.worker is not None:
            self.worker.terminate()
            self.worker.wait(timeout=30)
            self.worker = None

    def stats(self) -> dict[str, Any]:
        return dict(json.loads(self.run("exchange", "stats")))

    def stop(self) -> None:
        self.stop_worker()
        self.stop_server()


def spec(*, sender: str, recipient: str, tmp: Path, subject: str = "Công văn thử") -> Path:
    (tmp / "cv.pdf").write_bytes(b"%PDF-1.4 two-instance test")
    path = tmp / "spec.json"
    path.write_text(json.dumps({
        "kind": "document", "from": {"organ_id": sender, "organ_name": "Bên gửi"},
        "to": [{"organ_id": recipient, "organ_name": "Bên nhận"}],
        "code_number": "1", "code_notation": "UBND-VP", "promulgation_date": "2026-03-02",
        "subject": subject, "attachments": [{"path": "cv.pdf",
                                             "content_type": "application/pdf"}],
    }, ensure_ascii=False))
    return path
