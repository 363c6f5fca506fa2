"""The test suite's own layout: test modules share helpers only through tests/support/.

import-linter (make lint) keeps the apps' layering; this keeps the part it
cannot see: no test module, conftest included, imports another test module
or a conftest, and nothing edits sys.path to reach one.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's own package
                package = path.relative_to(TESTS.parent).with_suffix("").parts[:-node.level]
                names.append(".".join((*package, node.module or "")).rstrip("."))
            else:
                names.append(node.module or "")
    return names


def test_no_test_module_imports_another_test_module_or_a_conftest():
    offending = []
    for path in sorted(TESTS.rglob("*.py")):
        if "support" in path.relative_to(TESTS).parts or "fixtures" in path.relative_to(TESTS).parts:
            continue
        for name in imported_modules(path):
            if (name == "tests" or name.startswith("tests.")) and not name.startswith("tests.support"):
                offending.append(f"{path.relative_to(TESTS.parent)} imports {name}")
            if name.endswith("conftest"):
                offending.append(f"{path.relative_to(TESTS.parent)} imports {name}")
    assert offending == []


def test_nothing_in_the_suite_edits_sys_path():
    edits = [str(path.relative_to(TESTS.parent)) for path in TESTS.rglob("*.py")
             if path.name != "make_landed.py" and "sys.path" in path.read_text()
             and path != Path(__file__)]
    assert edits == []
