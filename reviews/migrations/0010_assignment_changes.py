"""Instructors change an assignment's expert or due date, with a reason (`AssignmentChange`,
reviews/domain/assignments.py), and "Mes évaluations" reads the dossiers that went further the
most recent assignment first: `assignment_expert_recent_idx`, partial on the assignments open to
their expert (`AssignmentQuerySet.open_to_expert`), in that order (reviews/domain/queues.py,
`expert_queue`). The index is SQL only (PostgreSQL and SQLite alike), as the model's indexes
leave the order of the queue to `assignment_expert_queue_idx`."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0008_dossier_search"),
        ("reviews", "0009_commission_abstention"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AssignmentChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "domain",
                    models.CharField(
                        choices=[
                            ("doctrine", "Doctrine du numérique en santé"),
                            ("ethics", "Éthique"),
                            ("rgpd", "RGPD"),
                            ("data_exchange_security", "Sécurité de l'échange de données"),
                            ("data_exchange_rgpd", "RGPD de l'échange de données"),
                        ],
                        max_length=40,
                        verbose_name="domaine",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("expert", "Expert remplacé"),
                            ("due_date", "Date de rendu modifiée"),
                        ],
                        max_length=10,
                        verbose_name="modification",
                    ),
                ),
                (
                    "previous_due_on",
                    models.DateField(
                        blank=True, null=True, verbose_name="date de rendu précédente"
                    ),
                ),
                (
                    "new_due_on",
                    models.DateField(blank=True, null=True, verbose_name="nouvelle date de rendu"),
                ),
                ("reason", models.TextField(verbose_name="motif")),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="le")),
                (
                    "actor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="auteur",
                    ),
                ),
                (
                    "assignment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="changes",
                        to="reviews.assignment",
                    ),
                ),
                (
                    "dossier",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assignment_changes",
                        to="applications.dossier",
                    ),
                ),
                (
                    "new_expert",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="nouvel expert",
                    ),
                ),
                (
                    "previous_expert",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="expert précédent",
                    ),
                ),
                (
                    "replacement",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="replaced",
                        to="reviews.assignment",
                    ),
                ),
            ],
            options={
                "verbose_name": "modification d'une affectation",
                "verbose_name_plural": "modifications des affectations",
                "ordering": ["at", "pk"],
                "abstract": False,
                "base_manager_name": "objects",
                "indexes": [
                    models.Index(fields=["dossier", "at"], name="assignment_change_dossier_idx")
                ],
            },
        ),
        migrations.RunSQL(
            """
            CREATE INDEX assignment_expert_recent_idx ON reviews_assignment
                (expert_id, assigned_at DESC, id DESC)
            WHERE released_at IS NULL AND conflict_status IN ('none', 'pending')
            """,
            "DROP INDEX IF EXISTS assignment_expert_recent_idx",
        ),
    ]
