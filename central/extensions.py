"""The central app's own Flask extensions: its database is not the kiosk's."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class CentralBase(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=CentralBase)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
