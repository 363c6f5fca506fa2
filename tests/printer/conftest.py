"""Fixtures for the printer suite.

tests/ is not a package (tests/printer would shadow the real `printer`
package), so the shared helpers in tests/printer_support are put on the path
here; Flask-side suites can do the same to reuse the virtual printer.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
