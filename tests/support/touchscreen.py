"""Helpers shared by the tests: going through the touch-screen flow with a test client."""

from __future__ import annotations

import re

from stdnum.cn import ric


def valid_id_number(prefix: str = "37010219800101", seq: int = 123) -> str:
    body = f"{prefix}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def page_token(client, path: str) -> str:
    return csrf_token(client.get(path).get_data(as_text=True))


def form_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html)
    assert match, f"page has no field {name}"
    return match.group(1)


def walk_to_review(client, service="individual", id_number=None, phone="13812345678",
                   name="张三", category="appeal", body="住房和城乡建设局", group=(5, 2)):
    """POST through welcome → notice → identity → matter; return the review page's HTML."""
    token = page_token(client, "/")
    client.post("/start", data={"csrf_token": token, "service": service})
    client.post("/notice", data={"csrf_token": page_token(client, "/notice")})
    identity = {"csrf_token": page_token(client, "/identity"), "id_number": id_number or valid_id_number(),
                "phone": phone, "name": name}
    if service == "group":
        identity.update(group_size=str(group[0]), representative_count=str(group[1]))
    response = client.post("/identity", data=identity)
    assert response.status_code == 302, response.get_data(as_text=True)
    response = client.post("/matter", data={"csrf_token": page_token(client, "/matter"),
                                             "category": category,
                                             "body": body})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get("/review").get_data(as_text=True)


def confirm(client, review_html: str):
    return client.post("/confirm", data={"csrf_token": csrf_token(review_html),
                                         "key": form_value(review_html, "key")})
