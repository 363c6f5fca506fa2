"""The office app served by gunicorn with several worker processes, and plain HTTP clients for it.

`gunicorn_office` starts `gunicorn --workers N 'central:create_app()'` as the README's
deployment does, configured by CENTRAL_* variables, waits for /healthz, and stops
the master it started (which stops its workers). Its access log names the worker
process of each request (`%(p)s`), so a test can see that several served.
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from .apps import free_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@contextmanager
def gunicorn_office(instance: Path, database_url: str, *, workers: int = 2, **settings):
    port = free_port()
    log = instance / "access.log"
    env = {**os.environ, "CENTRAL_INSTANCE_PATH": str(instance), "CENTRAL_DATABASE_URL": database_url,
           **{f"CENTRAL_{name}": str(value) for name, value in settings.items()}}
    with open(instance / "gunicorn.log", "wb") as errors:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--bind",
             f"127.0.0.1:{port}", "--access-logfile", str(log), "--access-logformat", '%(p)s %(s)s "%(r)s"',
             "--graceful-timeout", "5", "central:create_app()"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if Client(port).get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not serve: " + (instance / "gunicorn.log").read_text()[-2000:])
            time.sleep(0.2)
        yield port, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_pids(log: Path, path_prefix: str) -> set[str]:
    """The worker processes that answered requests whose path starts with `path_prefix`."""
    pids = set()
    for line in log.read_text().splitlines():
        pid, _status, request = line.split(" ", 2)
        if request.split(" ")[1].startswith(path_prefix):
            pids.add(pid)
    return pids


class Client:
    """One HTTP client with its own cookies and a fresh connection per request (any worker may answer)."""

    def __init__(self, port: int, address: str = "127.0.0.1"):
        self.port, self.cookies, self.csrf = port, {}, ""

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            connection.request(method, path, body=body, headers={**({"Cookie": cookie} if cookie else {}),
                                                                 **(headers or {})})
            answer = connection.getresponse()
            data = answer.read()
            for header in answer.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return answer.status, data
        finally:
            connection.close()

    def get(self, path: str):
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict):
        return self.request("POST", path, urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def sign_in(self, username: str, password: str) -> None:
        status, page = self.get("/desk/login")
        self.csrf = TOKEN.search(page.decode()).group(1)
        status, _ = self.post_form("/desk/login", {"csrf_token": self.csrf, "username": username,
                                                   "password": password})
        assert status == 302, status
