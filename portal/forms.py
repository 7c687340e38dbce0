"""What the forms of every app share."""

from django.core.exceptions import ValidationError


class DomainErrorsMixin:
    """Put a domain ValidationError back on the form: by field when it names one, else on top."""

    def add_domain_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, errors in exc.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)
