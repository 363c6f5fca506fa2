"""Serve Jiedai with waitress.

    python run.py                 the kiosk (touch screen, staff console, display)
    python run.py central         the central office app (sync receiver, case desk)

Options: --host, --port, --threads. Configuration comes from instance/config.py
and KIOSK_* (or CENTRAL_*) environment variables; see the README.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import sys
import threading

WARM_SECONDS = 5.0  # after start: the first requests have warmed the app's caches

APPS = {
    "kiosk": ("kiosk", 8080, "the kiosk: touch screen, staff console, waiting-room display"),
    "central": ("central", 8090, "the central office: sync receiver, case desk, progress page"),
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="run.py",
        description="Serve Jiedai with waitress. What it can serve:\n" + "\n".join(
            f"  {name:<8} {text} (default port {port})" for name, (_, port, text) in APPS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("app", nargs="?", default="kiosk", choices=sorted(APPS),
                        help="what to serve (default: kiosk)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default: 8080 kiosk, 8090 central)")
    parser.add_argument("--threads", type=int, default=8,
                        help="worker threads; size for the touch screen, consoles and displays (default: 8)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    module_name, default_port, _ = APPS[args.app]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # /healthz asks Alembic for the applied revision on every call; its INFO lines are noise.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from waitress import serve

    module = importlib.import_module(module_name)
    app = module.create_app()
    # Background work (the kiosk's print worker) starts with the server, not the factory.
    start = getattr(module, "start_background_work", None)
    if start is not None:
        start(app)
    # What start-up built (modules, the app, the keyboard's dictionary) lives as long as the
    # process: out of the collector's way, so a full collection, which stops every request
    # while it runs, walks only what the requests made (start-up's 110,000 objects took 70 ms
    # a collection on the benchmark machine). Once more a few seconds on, for the templates
    # and queries the first requests compiled, which live as long.
    gc.freeze()
    warmed = threading.Timer(WARM_SECONDS, gc.freeze)
    warmed.daemon = True
    warmed.start()
    port = args.port or default_port
    logging.getLogger("jiedai").info("serving %s on http://%s:%d", args.app, args.host, port)
    serve(app, host=args.host, port=port, threads=args.threads, ident="jiedai")
    return 0


if __name__ == "__main__":
    sys.exit(main())
