"""The dossier's document library: each file uploaded once (`Document`), and the links that make
a document the evidence of a requirement (`Evidence`), as many as it supports.

Files are never changed. Taking a document off a requirement, or out of the draft, only marks
the link (or the document) removed: the revisions frozen at each filing cite links by id, so
they still say which file supported which requirement then. A link is never changed either, once
made: attaching the document to the same requirement again makes a new link."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .referential import Requirement


def document_path(instance, filename):
    return f"dossiers/{instance.dossier_id}/{uuid.uuid4().hex}/{filename}"


class Document(models.Model):
    """A file of the dossier's library, stored privately and checked on its content. The same
    content is stored once per dossier (`sha256`): uploading it again finds this document."""

    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="documents"
    )
    file = models.FileField(upload_to=document_path, max_length=300)
    name = models.CharField(_("nom du fichier"), max_length=200)
    kind = models.CharField(_("type"), max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("taille"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("déposé le"), default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["dossier", "sha256"], name="document_dossier_sha256")]

    def __str__(self):
        return self.name


class Evidence(models.Model):
    """A document supporting one requirement of the dossier (a link: the file is the
    document's). `dossier` repeats the document's, so that a dossier's evidence is read without
    a join."""

    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="evidence"
    )
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="evidence")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    attached_at = models.DateTimeField(_("joint le"), default=timezone.now, editable=False)
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("pièce justificative")
        verbose_name_plural = _("pièces justificatives")
        ordering = ["attached_at", "pk"]
        indexes = [models.Index(fields=["dossier", "requirement"])]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "requirement"],
                condition=Q(removed_at__isnull=True),
                name="one_current_link_per_document_and_requirement",
            )
        ]

    def __str__(self):
        return self.name

    # What the readers of a piece of evidence show: its document's (read it with
    # `select_related("document")`).
    @property
    def file(self):
        return self.document.file

    @property
    def name(self) -> str:
        return self.document.name

    @property
    def kind(self) -> str:
        return self.document.kind

    @property
    def content_type(self) -> str:
        return self.document.content_type

    @property
    def size(self) -> int:
        return self.document.size
