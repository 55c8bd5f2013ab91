"""The villages (里) of the district: codes, names, centroids and boundaries."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from welfare.extensions import db


class Village(db.Model):
    __tablename__ = "villages"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(20))
    name_en: Mapped[str] = mapped_column(sa.String(60))
    centroid_lat: Mapped[float]
    centroid_lng: Mapped[float]
    boundary: Mapped[dict | None] = mapped_column(sa.JSON)

    def label(self, locale="zh"):
        return self.name_en if str(locale).startswith("en") else self.name_zh

    def __repr__(self):
        return f"<Village {self.code} {self.name_zh}>"
