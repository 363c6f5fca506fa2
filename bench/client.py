"""A visitor over real HTTP, with the standard library only.

`Visitor` keeps one keep-alive connection and its own cookies, reads each
page's CSRF token and walks the touch-screen flow exactly as the browser's
forms do: GET a page, POST its form, follow nothing automatically. The
durability test and the registration benchmark both drive the kiosk with it.
"""

from __future__ import annotations

import http.client
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from stdnum.cn import ric

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
KEY = re.compile(r'name="key"[^>]*value="([^"]+)"')
TICKET = re.compile(r"data-ticket-number>([A-Z]\d+)<")
QUERY_CODE = re.compile(r"data-query-code>([0-9A-Z]{5}-[0-9A-Z]{5})<")


def id_number(seq: int) -> str:
    """A valid resident ID number (GB 11643 check digit) that differs by `seq`."""
    body = f"37010219800101{seq % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


class UnexpectedAnswer(AssertionError):
    """The kiosk answered something the real touch screen would not get."""


class Visitor:
    def __init__(self, host: str, port: int, timeout: float = 10.0):
        self.connection = http.client.HTTPConnection(host, port, timeout=timeout)
        self.cookies: dict[str, str] = {}

    def close(self) -> None:
        self.connection.close()

    def request(self, method: str, path: str, form: dict | None = None):
        """(status, headers, body text) of one request, keeping the session cookie."""
        headers = {"Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:  # the session was cleared (重新开始, a new visit)
                    self.cookies.pop(name, None)
        return response.status, response.headers, text

    def get(self, path: str, expect: int = 200) -> str:
        status, _, text = self.request("GET", path)
        if status != expect:
            raise UnexpectedAnswer(f"GET {path}: {status}")
        return text

    def post(self, path: str, form: dict, expect: int = 302) -> str:
        status, headers, _ = self.request("POST", path, form)
        if status != expect:
            raise UnexpectedAnswer(f"POST {path}: {status}")
        return headers.get("Location", "")

    def submit(self, page: str, path: str, fields: dict, expect: int = 302) -> str:
        """GET `page`, then POST its form with its CSRF token and `fields`."""
        match = TOKEN.search(self.get(page))
        if not match:
            raise UnexpectedAnswer(f"{page} has no CSRF token")
        return self.post(path, {"csrf_token": match.group(1), **fields}, expect)

    def walk_to_review(self, seq: int = 0, service: str = "individual") -> dict:
        """Start a visit and fill every step; return the review form's fields."""
        self.submit("/", "/start", {"service": service})
        self.submit("/notice", "/notice", {})
        identity = {"id_number": id_number(seq), "phone": "13812345678", "name": ""}
        if service == "group":
            identity.update(group_size="6", representative_count="2")
        self.submit("/identity", "/identity", identity)
        self.submit("/matter", "/matter", {"category": "appeal", "body": ""})
        review = self.get("/review")
        token, key = TOKEN.search(review), KEY.search(review)
        if not (token and key):
            raise UnexpectedAnswer("the review page has no confirm form")
        return {"csrf_token": token.group(1), "key": key.group(1)}

    def confirm(self, review_form: dict) -> None:
        """POST 确认并取号; the 302 to the ticket is the acknowledgement."""
        location = self.post("/confirm", review_form)
        if not location.endswith("/ticket"):
            raise UnexpectedAnswer(f"/confirm went to {location}")

    def ticket(self) -> tuple[str, str]:
        """(ticket number, query code) as the ticket screen shows them."""
        page = self.get("/ticket")
        number, code = TICKET.search(page), QUERY_CODE.search(page)
        if not (number and code):
            raise UnexpectedAnswer("the ticket screen shows no number")
        return number.group(1), code.group(1).replace("-", "")
