"""The one error type services raise for business-rule failures."""


class ServiceError(Exception):
    """Carries (field, message) pairs for the view to put back on the form."""

    def __init__(self, *errors):
        self.errors = [e if isinstance(e, tuple) else (None, e) for e in errors]
        super().__init__("; ".join(str(m) for _, m in self.errors))

    def apply_to(self, form):
        """Attach field errors to a WTForms form; return the ones without a field."""
        general = []
        for field, message in self.errors:
            target = getattr(form, field, None) if field else None
            if target is not None:
                target.errors = list(target.errors) + [message]
            else:
                general.append(message)
        return general
