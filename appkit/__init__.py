"""Flask plumbing both apps share and neither owns.

Settings declared once, the instance secret, response headers, password
hashing and the sign-in rules, the shared palette, and a threaded waitress server for tests and
benches. It imports no app.
"""

from flask import Blueprint, Flask

#: The files both apps serve alike (the palette), at /appkit/static/….
assets = Blueprint("appkit", __name__, static_folder="static", url_prefix="/appkit")


def init_app(app: Flask) -> None:
    app.register_blueprint(assets)
