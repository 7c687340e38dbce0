"""Rows written once and never changed nor deleted (audit trail, frozen revisions).

The ORM refuses here, with a clear exception, every way it offers to change or delete such rows:
`save()` of an existing row, `delete()`, and the querysets' `update()`, `delete()` and
`bulk_update()` — on the default manager, on related managers (built from it) and on the base
manager (`Meta.base_manager_name`, which Django uses for related objects and `refresh_from_db`).
A plain `models.QuerySet(model=...)` or raw SQL still reaches the database: for the transition
log, database triggers (migration applications 0004) are the real guarantee."""

from django.db import models


class AppendOnlyError(Exception):
    pass


UPDATE_REFUSED = "Ces enregistrements ne peuvent pas être modifiés."
DELETE_REFUSED = "Ces enregistrements ne peuvent pas être effacés."


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(UPDATE_REFUSED)

    update.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(UPDATE_REFUSED)

    bulk_update.alters_data = True

    def delete(self):
        raise AppendOnlyError(DELETE_REFUSED)

    delete.alters_data = True


class AppendOnlyManager(models.Manager.from_queryset(AppendOnlyQuerySet)):
    pass


class AppendOnlyModel(models.Model):
    """Rows written once and never changed nor deleted through the ORM (audit, revisions).

    A subclass declaring its own Meta must subclass `AppendOnlyModel.Meta` to keep the base
    manager append-only."""

    objects = AppendOnlyManager()

    class Meta:
        abstract = True
        base_manager_name = "objects"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(UPDATE_REFUSED)
        super().save(*args, **kwargs)

    save.alters_data = True

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(DELETE_REFUSED)

    delete.alters_data = True
