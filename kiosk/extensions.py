"""The Flask extensions, created unbound and initialised in the factory."""

from flask_babel import Babel
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from appkit.database import own_database

from .columns import UTCDateTime

db = own_database(datetime_type=UTCDateTime)  # a `datetime` column is stored as UTC
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
