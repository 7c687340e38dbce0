from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.organisations.models import Organisation


class Service(models.Model):
    """A digital health service (web site, app) of an organisation, candidate to the catalogue."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(_("nom du service"), max_length=200)
    short_description = models.CharField(_("description courte"), max_length=300, blank=True)
    requests_data_exchange = models.BooleanField(
        _("échange de données avec Mon espace santé demandé"), default=False
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self):
        return self.name
