"""Extensions are created here and bound to an app in create_app()."""

import re

from flask import current_app
from flask_babel import Babel, Domain
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

from welfare import sqlite_writes  # noqa: F401  (SQLite connection and transaction events)

# Named constraints keep Alembic migrations portable between SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()

# 里 as a word for a village, not in 公里 (kilometres) nor already in 村里.
VILLAGE_WORD = re.compile(r"(?<![公村])里")


class OfficeDomain(Domain):
    """The catalogues, cached per app and speaking of villages in the office's own word: a
    鄉's villages are 村, a 鎮's, 市's or 區's are 里 (地方制度法 §3), a bureau over both says 村里.
    The catalogues say 里; one set serves every office."""

    def get_translations_cache(self, ctx):
        return current_app.extensions.setdefault("welfare_translations", {})

    def get_translations(self):
        translations = super().get_translations()
        catalog = getattr(translations, "_catalog", None)
        if catalog is None or getattr(translations, "village_word", None):
            return translations
        word = current_app.config.get("VILLAGE_WORD", "里")
        if word != "里":
            for key, text in catalog.items():
                if isinstance(text, str) and "里" in text:
                    catalog[key] = VILLAGE_WORD.sub(word, text)
        translations.village_word = word
        return translations


babel.domain_instance = OfficeDomain()
