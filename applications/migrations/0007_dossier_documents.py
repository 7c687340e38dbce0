# The dossier's document library: each file becomes a Document, and Evidence the link between a
# document and a requirement. One Document per existing Evidence row, pointing to the same stored
# file (nothing is copied); the links keep their ids, which the frozen revisions cite.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import applications.models.documents
import applications.models.questionnaire

BATCH = 500
#: The fields that move from the link to its document.
MOVED = ("name", "kind", "content_type", "size", "sha256")


def _check_constraints_now(schema_editor):
    """PostgreSQL checks foreign keys at commit; the table is altered right after, in the same
    transaction, which it refuses while checks are pending: run them now."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def documents_from_evidence(apps, schema_editor):
    Evidence = apps.get_model("applications", "Evidence")
    Document = apps.get_model("applications", "Document")
    db = schema_editor.connection.alias
    while True:
        batch = list(
            Evidence.objects.using(db).filter(document__isnull=True).order_by("pk")[:BATCH]
        )
        if not batch:
            _check_constraints_now(schema_editor)
            return
        documents = [
            Document(
                dossier_id=evidence.dossier_id,
                file=evidence.file.name,
                uploaded_at=evidence.attached_at,
                uploaded_by_id=evidence.attached_by_id,
                removed_at=evidence.removed_at,
                removed_by_id=evidence.removed_by_id,
                **{name: getattr(evidence, name) for name in MOVED},
            )
            for evidence in batch
        ]
        if schema_editor.connection.features.can_return_rows_from_bulk_insert:
            Document.objects.using(db).bulk_create(documents)
        else:
            for document in documents:
                document.save(using=db)
        for evidence, document in zip(batch, documents, strict=True):
            evidence.document_id = document.pk
        Evidence.objects.using(db).bulk_update(batch, ["document"])


def evidence_from_documents(apps, schema_editor):
    """Back to one file per link (documents attached to nothing are lost)."""
    Evidence = apps.get_model("applications", "Evidence")
    Document = apps.get_model("applications", "Document")
    db = schema_editor.connection.alias
    links = Evidence.objects.using(db).select_related("document").order_by("pk")
    batch = []
    for evidence in links.iterator(chunk_size=BATCH):
        evidence.file = evidence.document.file.name
        for name in MOVED:
            setattr(evidence, name, getattr(evidence.document, name))
        batch.append(evidence)
        if len(batch) == BATCH:
            Evidence.objects.using(db).bulk_update(batch, ["file", *MOVED])
            batch = []
    Evidence.objects.using(db).bulk_update(batch, ["file", *MOVED])
    Evidence.objects.using(db).update(document=None)
    Document.objects.using(db).all().delete()
    _check_constraints_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0006_list_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Document",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "file",
                    models.FileField(
                        max_length=300, upload_to=applications.models.documents.document_path
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="nom du fichier")),
                ("kind", models.CharField(max_length=10, verbose_name="type")),
                ("content_type", models.CharField(max_length=100)),
                ("size", models.PositiveBigIntegerField(verbose_name="taille")),
                ("sha256", models.CharField(max_length=64)),
                (
                    "uploaded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="déposé le",
                    ),
                ),
                ("removed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "dossier",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="documents",
                        to="applications.dossier",
                    ),
                ),
                (
                    "removed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "document",
                "verbose_name_plural": "documents",
                "ordering": ["uploaded_at", "pk"],
                "indexes": [
                    models.Index(fields=["dossier", "sha256"], name="document_dossier_sha256")
                ],
            },
        ),
        migrations.RenameField(
            model_name="evidence", old_name="uploaded_at", new_name="attached_at"
        ),
        migrations.RenameField(
            model_name="evidence", old_name="uploaded_by", new_name="attached_by"
        ),
        # The ordering named the renamed field: renamed with it (both ways).
        migrations.AlterModelOptions(
            name="evidence",
            options={
                "ordering": ["attached_at", "pk"],
                "verbose_name": "pièce justificative",
                "verbose_name_plural": "pièces justificatives",
            },
        ),
        migrations.AlterField(
            model_name="evidence",
            name="attached_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="joint le"
            ),
        ),
        migrations.AddField(
            model_name="evidence",
            name="document",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="evidence",
                to="applications.document",
            ),
        ),
        # Nullable while the data moves, so that the migration also runs backwards.
        migrations.AlterField(
            model_name="evidence",
            name="file",
            field=models.FileField(
                max_length=300,
                null=True,
                upload_to=applications.models.questionnaire.evidence_path,
            ),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="name",
            field=models.CharField(max_length=200, null=True, verbose_name="nom du fichier"),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="kind",
            field=models.CharField(max_length=10, null=True, verbose_name="type"),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="content_type",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="size",
            field=models.PositiveBigIntegerField(null=True, verbose_name="taille"),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="sha256",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(documents_from_evidence, evidence_from_documents),
        migrations.AlterField(
            model_name="evidence",
            name="document",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="evidence",
                to="applications.document",
            ),
        ),
        migrations.RemoveField(model_name="evidence", name="file"),
        migrations.RemoveField(model_name="evidence", name="name"),
        migrations.RemoveField(model_name="evidence", name="kind"),
        migrations.RemoveField(model_name="evidence", name="content_type"),
        migrations.RemoveField(model_name="evidence", name="size"),
        migrations.RemoveField(model_name="evidence", name="sha256"),
        migrations.AddConstraint(
            model_name="evidence",
            constraint=models.UniqueConstraint(
                condition=models.Q(("removed_at__isnull", True)),
                fields=("document", "requirement"),
                name="one_current_link_per_document_and_requirement",
            ),
        ),
    ]
