"""Reports from the public, the controls they open, the steps of a referencing's expiry, the
renewal event and the listing's upkeep during a renewal.

`Listing.renewal_due` becomes the referencing's last day, as the convention states it (the day
before the anniversary of the last signature): existing rows are recomputed with that rule.
"""

from datetime import date
from zoneinfo import ZoneInfo

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def _last_day(signed_at, years: int) -> date:
    """conventions.models.referencing_end, as it is when this migration is written."""
    start = signed_at.astimezone(ZoneInfo("Europe/Paris")).date()
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        anniversary = date(start.year + years, 3, 1)
    return date.fromordinal(anniversary.toordinal() - 1)


def recompute_renewal_due(apps, schema_editor):
    Listing = apps.get_model("catalogue", "Listing")
    Convention = apps.get_model("conventions", "Convention")
    years_default = getattr(settings, "CONVENTION_DURATION_YEARS", 3)
    for listing in Listing.objects.select_related("dossier").iterator():
        convention = (
            Convention.objects.filter(dossier_id=listing.dossier_id, signed_at__isnull=False)
            .order_by("-signed_at")
            .first()
        )
        if convention is not None:
            due = _last_day(convention.signed_at, convention.duration_years)
        elif listing.dossier.convention_signed_at is not None:
            due = _last_day(listing.dossier.convention_signed_at, years_default)
        else:
            due = None
        if due != listing.renewal_due:
            Listing.objects.filter(pk=listing.pk).update(renewal_due=due)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0008_dossier_search"),
        ("catalogue", "0002_french_search"),
        ("conventions", "0001_initial"),
        ("decisions", "0002_decision_job"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Control",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[("open", "En cours"), ("concluded", "Conclu")],
                        default="open",
                        max_length=12,
                        verbose_name="état",
                    ),
                ),
                ("opened_at", models.DateTimeField(verbose_name="ouvert le")),
                ("conclusion", models.TextField(blank=True, verbose_name="conclusion")),
                (
                    "proposes_suspension",
                    models.BooleanField(
                        default=False, verbose_name="propose la suspension du service"
                    ),
                ),
                (
                    "concluded_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="conclu le"),
                ),
            ],
            options={
                "verbose_name": "contrôle",
                "verbose_name_plural": "contrôles",
                "ordering": ["-opened_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="ControlFinding",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "verdict",
                    models.CharField(
                        choices=[("compliant", "Conforme"), ("non_compliant", "Non conforme")],
                        max_length=16,
                        verbose_name="constat",
                    ),
                ),
                ("text", models.TextField(verbose_name="constat détaillé")),
                ("recorded_at", models.DateTimeField(verbose_name="noté le")),
            ],
            options={
                "verbose_name": "constat de contrôle",
                "verbose_name_plural": "constats de contrôle",
                "ordering": ["control", "requirement__position"],
            },
        ),
        migrations.CreateModel(
            name="ExpiryReminder",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "step",
                    models.CharField(
                        choices=[
                            ("reminder", "Rappel avant l'échéance"),
                            ("grace", "Maintien au catalogue pendant le renouvellement"),
                            ("suspension", "Suspension à l'échéance"),
                        ],
                        max_length=12,
                        verbose_name="étape",
                    ),
                ),
                (
                    "months_before",
                    models.PositiveSmallIntegerField(
                        default=0, verbose_name="mois avant l'échéance"
                    ),
                ),
                ("expires_on", models.DateField(verbose_name="échéance")),
                ("skipped", models.BooleanField(default=False, verbose_name="sans envoi")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="le")),
            ],
            options={
                "verbose_name": "étape de l'échéance",
                "verbose_name_plural": "étapes de l'échéance",
                "ordering": ["dossier", "created_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalControl",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[("open", "En cours"), ("concluded", "Conclu")],
                        default="open",
                        max_length=12,
                        verbose_name="état",
                    ),
                ),
                ("opened_at", models.DateTimeField(verbose_name="ouvert le")),
                ("conclusion", models.TextField(blank=True, verbose_name="conclusion")),
                (
                    "proposes_suspension",
                    models.BooleanField(
                        default=False, verbose_name="propose la suspension du service"
                    ),
                ),
                (
                    "concluded_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="conclu le"),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical contrôle",
                "verbose_name_plural": "historical contrôles",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalControlFinding",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "verdict",
                    models.CharField(
                        choices=[("compliant", "Conforme"), ("non_compliant", "Non conforme")],
                        max_length=16,
                        verbose_name="constat",
                    ),
                ),
                ("text", models.TextField(verbose_name="constat détaillé")),
                ("recorded_at", models.DateTimeField(verbose_name="noté le")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical constat de contrôle",
                "verbose_name_plural": "historical constats de contrôle",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalReport",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("misleading", "Contenu trompeur"),
                            ("security", "Sécurité"),
                            ("personal_data", "Données personnelles"),
                            ("accessibility", "Accessibilité"),
                            ("unavailable", "Service indisponible"),
                            ("other", "Autre"),
                        ],
                        max_length=20,
                        verbose_name="catégorie",
                    ),
                ),
                ("description", models.TextField(verbose_name="description")),
                (
                    "email",
                    models.EmailField(
                        blank=True, max_length=254, verbose_name="adresse électronique"
                    ),
                ),
                ("created_on", models.DateField(verbose_name="jour")),
                ("created_at", models.DateTimeField(verbose_name="reçu le")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("new", "Nouveau"),
                            ("awaiting_editor", "En attente de la réponse de l'éditeur"),
                            ("answered", "Réponse de l'éditeur reçue"),
                            ("unfounded", "Classé non fondé"),
                            ("control", "Contrôle ouvert"),
                        ],
                        default="new",
                        max_length=20,
                        verbose_name="état",
                    ),
                ),
                (
                    "triaged_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="examiné le"),
                ),
                (
                    "unfounded_reason",
                    models.TextField(blank=True, verbose_name="motif du classement"),
                ),
                (
                    "editor_question",
                    models.TextField(blank=True, verbose_name="question posée à l'éditeur"),
                ),
                (
                    "sent_to_editor_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="transmis à l'éditeur le"
                    ),
                ),
                (
                    "answer_due_on",
                    models.DateField(
                        blank=True, null=True, verbose_name="réponse attendue au plus tard le"
                    ),
                ),
                (
                    "editor_answer",
                    models.TextField(blank=True, verbose_name="réponse de l'éditeur"),
                ),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="réponse reçue le"),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical signalement",
                "verbose_name_plural": "historical signalements",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Report",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("misleading", "Contenu trompeur"),
                            ("security", "Sécurité"),
                            ("personal_data", "Données personnelles"),
                            ("accessibility", "Accessibilité"),
                            ("unavailable", "Service indisponible"),
                            ("other", "Autre"),
                        ],
                        max_length=20,
                        verbose_name="catégorie",
                    ),
                ),
                ("description", models.TextField(verbose_name="description")),
                (
                    "email",
                    models.EmailField(
                        blank=True, max_length=254, verbose_name="adresse électronique"
                    ),
                ),
                ("address_hash", models.CharField(editable=False, max_length=64)),
                ("created_on", models.DateField(verbose_name="jour")),
                ("created_at", models.DateTimeField(verbose_name="reçu le")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("new", "Nouveau"),
                            ("awaiting_editor", "En attente de la réponse de l'éditeur"),
                            ("answered", "Réponse de l'éditeur reçue"),
                            ("unfounded", "Classé non fondé"),
                            ("control", "Contrôle ouvert"),
                        ],
                        default="new",
                        max_length=20,
                        verbose_name="état",
                    ),
                ),
                (
                    "triaged_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="examiné le"),
                ),
                (
                    "unfounded_reason",
                    models.TextField(blank=True, verbose_name="motif du classement"),
                ),
                (
                    "editor_question",
                    models.TextField(blank=True, verbose_name="question posée à l'éditeur"),
                ),
                (
                    "sent_to_editor_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="transmis à l'éditeur le"
                    ),
                ),
                (
                    "answer_due_on",
                    models.DateField(
                        blank=True, null=True, verbose_name="réponse attendue au plus tard le"
                    ),
                ),
                (
                    "editor_answer",
                    models.TextField(blank=True, verbose_name="réponse de l'éditeur"),
                ),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="réponse reçue le"),
                ),
            ],
            options={
                "verbose_name": "signalement",
                "verbose_name_plural": "signalements",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="listing",
            name="grace_until",
            field=models.DateField(
                blank=True, null=True, verbose_name="maintenu au catalogue jusqu'au"
            ),
        ),
        migrations.AlterField(
            model_name="listing",
            name="renewal_due",
            field=models.DateField(blank=True, null=True, verbose_name="référencé jusqu'au"),
        ),
        migrations.AlterField(
            model_name="publicevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("published", "Publication au catalogue"),
                    ("renewed", "Renouvellement du référencement"),
                    ("updated", "Mise à jour de la fiche"),
                    ("suspended", "Suspension"),
                    ("reinstated", "Réintégration au catalogue"),
                    ("dereferenced", "Déréférencement"),
                ],
                max_length=20,
                verbose_name="événement",
            ),
        ),
        migrations.AddIndex(
            model_name="listing",
            index=models.Index(fields=["listed", "renewal_due"], name="listing_by_expiry"),
        ),
        migrations.AddField(
            model_name="control",
            name="concluded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="control",
            name="dossier",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="controls",
                to="applications.dossier",
            ),
        ),
        migrations.AddField(
            model_name="control",
            name="listing",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="controls",
                to="catalogue.listing",
            ),
        ),
        migrations.AddField(
            model_name="control",
            name="opened_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="controlfinding",
            name="control",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="findings",
                to="catalogue.control",
            ),
        ),
        migrations.AddField(
            model_name="controlfinding",
            name="recorded_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="controlfinding",
            name="requirement",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="applications.requirement",
            ),
        ),
        migrations.AddField(
            model_name="expiryreminder",
            name="dossier",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="expiry_steps",
                to="applications.dossier",
            ),
        ),
        migrations.AddField(
            model_name="expiryreminder",
            name="listing",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="expiry_steps",
                to="catalogue.listing",
            ),
        ),
        migrations.AddField(
            model_name="historicalcontrol",
            name="concluded_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalcontrol",
            name="dossier",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="applications.dossier",
            ),
        ),
        migrations.AddField(
            model_name="historicalcontrol",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalcontrol",
            name="listing",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="catalogue.listing",
            ),
        ),
        migrations.AddField(
            model_name="historicalcontrol",
            name="opened_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalcontrolfinding",
            name="control",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="catalogue.control",
            ),
        ),
        migrations.AddField(
            model_name="historicalcontrolfinding",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalcontrolfinding",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalcontrolfinding",
            name="requirement",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="applications.requirement",
            ),
        ),
        migrations.AddField(
            model_name="historicalreport",
            name="answered_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalreport",
            name="dossier",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="applications.dossier",
            ),
        ),
        migrations.AddField(
            model_name="historicalreport",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalreport",
            name="listing",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="catalogue.listing",
            ),
        ),
        migrations.AddField(
            model_name="historicalreport",
            name="triaged_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="answered_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="dossier",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="applications.dossier",
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="listing",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reports",
                to="catalogue.listing",
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="triaged_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalcontrol",
            name="report",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="catalogue.report",
            ),
        ),
        migrations.AddField(
            model_name="control",
            name="report",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="control",
                to="catalogue.report",
            ),
        ),
        migrations.AddConstraint(
            model_name="controlfinding",
            constraint=models.UniqueConstraint(
                fields=("control", "requirement"), name="control_finding_per_requirement"
            ),
        ),
        migrations.AddConstraint(
            model_name="expiryreminder",
            constraint=models.UniqueConstraint(
                fields=("dossier", "step", "months_before"), name="expiry_step_once"
            ),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(fields=["state", "-created_at"], name="report_by_state"),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(fields=["address_hash", "created_on"], name="report_by_address"),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(fields=["listing", "created_on"], name="report_by_service_day"),
        ),
        migrations.RunPython(recompute_renewal_due, migrations.RunPython.noop),
    ]
