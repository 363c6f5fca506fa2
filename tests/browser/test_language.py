"""The English switch, and 重新开始 returning the next visitor to Chinese."""

from __future__ import annotations

import pytest

from bench.browser import tap_submit

pytestmark = pytest.mark.browser


def test_english_switch_and_start_again_returns_to_chinese(live_server, open_page):
    page, recorder = open_page("landscape")
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans-CN"
    tap_submit(page, "English")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Personal visit").is_visible()
    assert "个人来访" not in page.content()

    tap_submit(page, "Personal visit")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Before you start")
    tap_submit(page, "I understand")
    # The switch keeps the visitor on the screen they were on.
    tap_submit(page, "中文")
    assert page.url.endswith("/identity") and "身份信息" in page.content()
    tap_submit(page, "English")
    assert page.url.endswith("/identity") and "Who you are" in page.content()

    tap_submit(page, "Start again")
    assert page.locator("html").get_attribute("lang") == "zh-Hans-CN"
    assert page.get_by_role("button", name="个人来访").is_visible()
    assert recorder.outside(live_server) == []
