from tests.support.history import app_1d, app_1y, history_1d, history_1y  # noqa: F401  (fixtures)
