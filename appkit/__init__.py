"""Flask plumbing both apps share and neither owns.

Settings declared once, the instance secret, response headers, password
hashing and the sign-in rules, and a threaded waitress server for tests and
benches. It imports no app.
"""
