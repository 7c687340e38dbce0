from django.db import models


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Ces enregistrements ne peuvent pas être modifiés.")

    def delete(self):
        raise AppendOnlyError("Ces enregistrements ne peuvent pas être effacés.")


class AppendOnlyModel(models.Model):
    """Rows written once and never changed nor deleted through the ORM (audit, revisions)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Ces enregistrements ne peuvent pas être modifiés.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Ces enregistrements ne peuvent pas être effacés.")
