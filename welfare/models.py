"""Import every domain's models so metadata and migrations see all tables."""

import importlib
import importlib.util


def load_all():
    from welfare import installed_domains

    for domain in installed_domains():
        if importlib.util.find_spec(f"welfare.{domain}.models") is not None:
            importlib.import_module(f"welfare.{domain}.models")


load_all()
