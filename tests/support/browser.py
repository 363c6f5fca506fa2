"""Chromium in tests: every request a page made, and screenshots under build/screenshots/."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


class Recorder:
    """Every request a page made, to assert all of them went to the kiosk."""

    def __init__(self):
        self.urls: list[str] = []

    def __call__(self, request):
        self.urls.append(request.url)

    def outside(self, base: str) -> list[str]:
        kiosk = urlsplit(base).netloc
        return [url for url in self.urls
                if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != kiosk]


def screenshot(page, name: str, orientation: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{orientation}.png"), full_page=True)


def fill_registration(page, *, name: str, address: str, matter: str, request: str,
                      material: tuple[str, int], gender: str = "male") -> None:
    """Type a visitor's registration at the window, as a receptionist would (not saved yet)."""
    page.fill("input[name=name]", name)
    page.select_option("select[name=gender]", gender)
    page.fill("input[name=address]", address)
    page.fill("textarea[name=matter]", matter)
    page.fill("textarea[name=request]", request)
    page.fill("input[name='materials-0-name']", material[0])
    page.fill("input[name='materials-0-count']", str(material[1]))


def pdf_behind(page, base: str, link_text: str) -> bytes:
    """The PDF that the link `link_text` on the page opens."""
    answer = page.request.get(base + page.get_attribute(f"text={link_text}", "href"))
    assert answer.headers["content-type"] == "application/pdf"
    return answer.body()


def accept_with_notice(page, base: str) -> bytes:
    """On a saved registration: 受理 the case at the window; its 受理告知书 PDF."""
    page.click("text=处理与办理")
    page.click("form.step button:has-text('受理')")
    return pdf_behind(page, base, "打印受理告知书")
