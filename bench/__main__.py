"""`python -m bench` (`make bench`): run every figure module, print and record the figures.

A figure module is any module in `MODULES` with a `figures()` function
returning `{"name": {"value": .., "unit": "..", "target": ..}}`. Modules that
are not there (another branch not merged yet) add nothing. The figures are
merged into build/bench.json, so a partial run keeps the others.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

MODULES = ("bench.kiosk", "bench.printer", "bench.queue", "bench.sync", "bench.keyboard",
           "bench.maintenance", "bench.desk", "bench.office", "bench.hardening",
           "bench.history")
OUTPUT = Path(__file__).resolve().parent.parent / "build" / "bench.json"


def load(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name and name.startswith(error.name):  # the module itself is missing
            return None
        raise


def line(name: str, figure: dict) -> str:
    target = figure.get("target")
    target_text = f"(target {target} {figure['unit']})" if target not in (None, "") else "(no target)"
    return f"{name:<28} {figure['value']:>10} {figure['unit']:<9} {target_text}"


def main(argv: list[str]) -> int:
    wanted = argv or list(MODULES)
    results: dict[str, dict] = {}
    for name in wanted:
        module = load(name)
        if module is None:
            print(f"# {name}: not present, no figures", file=sys.stderr)
            continue
        for figure_name, figure in module.figures().items():
            results[figure_name] = figure
            print(line(figure_name, figure), flush=True)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    merged = json.loads(OUTPUT.read_text()) if OUTPUT.exists() else {}
    merged.update(results)
    OUTPUT.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
    print(f"# written to {OUTPUT.relative_to(Path.cwd()) if OUTPUT.is_relative_to(Path.cwd()) else OUTPUT}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
