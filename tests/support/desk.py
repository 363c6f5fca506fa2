"""The case desk in tests: a desk user signed in, with the CSRF token of the fresh session."""

from __future__ import annotations

from .touchscreen import csrf_token

DESK_PASSWORD = "correct horse battery"


def add_desk_user(central_app, username: str = "li", name: str = "李科长",
                  password: str = DESK_PASSWORD) -> None:
    result = central_app.test_cli_runner().invoke(
        args=["staff", "add", username, "--name", name, "--password", password])
    assert result.exit_code == 0, result.output


def signed_in_desk(central_app, username: str = "li", password: str = DESK_PASSWORD, client=None):
    """A client signed in to the desk; `client.csrf` is its token for the desk's forms.

    Signing in starts a fresh session, so the token is read from a page after it.
    """
    client = client or central_app.test_client()
    token = csrf_token(client.get("/desk/login").get_data(as_text=True))
    answer = client.post("/desk/login", data={"csrf_token": token, "username": username,
                                              "password": password})
    assert answer.status_code == 302, answer.status_code
    # Every desk page carries the sign-out form's token; the figures are open to every role.
    client.csrf = csrf_token(client.get("/desk/figures").get_data(as_text=True))
    return client
