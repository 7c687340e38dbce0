# The decision's PDF is a durable job (portal.jobs): when its last attempt started (the sweep
# re-queues a document nobody touched for JOBS_STALE_AFTER seconds).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="pdf_started_at",
            field=models.DateTimeField(
                blank=True,
                null=True,
                verbose_name="dernière tentative de génération commencée le",
            ),
        ),
    ]
