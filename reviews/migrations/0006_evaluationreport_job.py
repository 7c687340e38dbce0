# The evaluation report becomes a durable job (portal.jobs): its last error and when its last
# attempt started (the sweep re-queues a report nobody touched for JOBS_STALE_AFTER seconds).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0005_reservation_responses"),
    ]

    operations = [
        migrations.AddField(
            model_name="evaluationreport",
            name="last_error",
            field=models.TextField(blank=True, verbose_name="dernière erreur de génération"),
        ),
        migrations.AddField(
            model_name="evaluationreport",
            name="started_at",
            field=models.DateTimeField(
                blank=True,
                null=True,
                verbose_name="dernière tentative de génération commencée le",
            ),
        ),
    ]
