"""A WSGI app served by waitress in a thread: for tests and benchmarks that need real HTTP.

Stopping waitress from another thread races with its select loop: a socket
closed under it makes select fail with EBADF in the server thread. Once a
stop is asked for, that error is the expected end of the loop, not a bug
(WebTest's StopableWSGIServer handles it the same way); before it, it is
raised like any other.
"""

from __future__ import annotations

import threading


class ThreadedServer:
    def __init__(self, app, port: int = 0, threads: int = 8):
        self.app, self.port, self.threads = app, port, threads
        self.server = self.thread = None
        self._stopping = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ThreadedServer:
        from waitress.server import create_server

        self._stopping = False
        self.server = create_server(self.app, host="127.0.0.1", port=self.port, threads=self.threads)
        self.port = self.server.effective_port  # the one the system chose for port 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            self.server.run()
        except (OSError, ValueError):  # a socket closed by stop() under the select loop
            if not self._stopping:
                raise

    def stop(self) -> None:
        if self.server is None:
            return
        self._stopping = True
        # Close the open connections too, so the loop (which runs while any is open) ends.
        for channel in list(self.server._map.values()):
            channel.close()
        self.server.close()
        self.server.task_dispatcher.shutdown()
        self.thread.join(timeout=5)
        self.server = None
