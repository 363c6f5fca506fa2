"""The central app's own Flask extensions: its database is not the kiosk's."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from appkit.database import own_database

db = own_database()
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
