"""Driving the staff console in Chromium: signing in as one of the test accounts."""

from tests.staff.conftest import PASSWORD


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/staff/sign-in")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/staff/")
