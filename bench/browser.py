"""Driving the touch screen in Debian's Chromium through Playwright, as a visitor does.

One place says how Chromium is started (never a downloaded browser, no
background networking), how a visitor taps the on-screen keypads, and the
order of the screens. The browser tests and the page-weight benchmark both
walk the flow with `walk`.
"""

from __future__ import annotations

from typing import Callable

CHROMIUM = "/usr/bin/chromium"
# Autoplay as on the waiting-room TV, so the display's chime plays in the tests too.
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--autoplay-policy=no-user-gesture-required"]
VIEWPORTS = {"portrait": {"width": 1080, "height": 1920},
             "landscape": {"width": 1920, "height": 1080}}


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)


def tap_keys(page, field: str, text: str) -> None:
    """Tap the field, then type `text` on the form's on-screen keypad, one key at a time."""
    page.locator(f"#{field}").click()
    pad = page.locator("form:has(#%s) [data-keypad]" % field)
    pad.locator('[data-key="clear"]').click()
    for char in text:
        pad.locator(f'[data-key="{char}"]').click()


def tap_submit(page, label: str) -> None:
    """Tap the form button with this label and wait for the next page."""
    with page.expect_navigation():
        page.get_by_role("button", name=label).click()


def walk(page, base: str, *, service_label: str, id_number: str, phone: str,
         group: tuple[int, int] | None = None, category_label: str = "申诉求决",
         on_screen: Callable[[str], None] = lambda name: None,
         bad_entries: bool = True, until: str | None = None) -> None:
    """From the welcome screen to the ticket, calling `on_screen(name)` on each screen.

    With `bad_entries`, the identity step is first submitted with a wrong ID
    number and phone, so the screen with its error messages is seen too.
    `until` stops on that screen.
    """
    seen = on_screen

    def on_screen(name: str) -> None:
        seen(name)
        if name == until:
            raise _Stop

    try:
        _walk(page, base, service_label, id_number, phone, group, category_label, on_screen,
              bad_entries)
    except _Stop:
        pass


class _Stop(Exception):
    """Raised by `walk`'s screen callback to end the walk on the screen asked for."""


def _walk(page, base, service_label, id_number, phone, group, category_label, on_screen,
          bad_entries):
    page.goto(base + "/")
    on_screen("welcome")
    tap_submit(page, service_label)
    on_screen("notice")
    tap_submit(page, "我已知晓")
    on_screen("identity")
    if bad_entries:
        tap_keys(page, "id_number", id_number[:-2])
        tap_keys(page, "phone", "12345")
        tap_submit(page, "下一步")
        on_screen("identity-errors")
    tap_keys(page, "id_number", id_number)
    tap_keys(page, "phone", phone)
    if group:
        tap_keys(page, "group_size", str(group[0]))
        tap_keys(page, "representative_count", str(group[1]))
    tap_submit(page, "下一步")
    on_screen("matter")
    page.locator("label.option", has_text=category_label).click()
    tap_submit(page, "下一步")
    on_screen("review")
    tap_submit(page, "确认并取号")
    on_screen("ticket")
