"""Fixtures of the browser tests: Debian's Chromium, started once per session.

Chromium that cannot start skips the tests locally and fails them with
CI=true (conftest's `unavailable`). Every page records each request it makes,
so a test can assert that nothing left the kiosk.
"""

from __future__ import annotations

import pytest

from bench.browser import VIEWPORTS, launch
from tests.support.apps import unavailable
from tests.support.browser import Recorder


@pytest.fixture(scope="session")
def chromium():
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as error:
        unavailable(f"Playwright is not installed: {error}")
    manager = sync_playwright()
    try:
        playwright = manager.start()
    except Error as error:
        unavailable(f"Playwright cannot start: {error}")
    try:
        browser = launch(playwright)
    except Error as error:
        manager.__exit__(None, None, None)
        unavailable(f"Chromium cannot start from /usr/bin/chromium: {error}")
    yield browser
    browser.close()
    manager.__exit__(None, None, None)


@pytest.fixture
def open_page(chromium):
    """open_page(orientation) -> (page, recorder), a fresh context each time (no shared cookies)."""
    contexts = []

    def open_(orientation: str = "portrait", locale: str = "zh-CN"):
        context = chromium.new_context(viewport=VIEWPORTS[orientation], locale=locale,
                                       has_touch=True)
        contexts.append(context)
        context.set_default_timeout(10_000)
        page = context.new_page()
        recorder = Recorder()
        page.on("request", recorder)
        return page, recorder

    yield open_
    for context in contexts:
        context.close()
