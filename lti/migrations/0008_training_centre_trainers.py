"""TrainingCentre.trainers: the trainers on a centre's staff, who may open batches there.

Existing data: every trainer who trains a batch at a centre today is put on its staff, so no
trainer loses a centre they already work at."""

from django.conf import settings
from django.db import migrations, models


def trainers_of_existing_batches(apps, schema_editor):
    BatchMembership = apps.get_model("lti", "BatchMembership")
    TrainingCentre = apps.get_model("lti", "TrainingCentre")
    pairs = (
        BatchMembership.objects.filter(role="trainer", batch__centre__isnull=False)
        .values_list("batch__centre_id", "user_id")
        .distinct()
    )
    through = TrainingCentre.trainers.through
    through.objects.bulk_create(
        [through(trainingcentre_id=centre, user_id=user) for centre, user in pairs],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("lti", "0007_service_addresses_checked_against_the_registration"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="trainingcentre",
            name="trainers",
            field=models.ManyToManyField(
                blank=True,
                help_text="Trainers on this centre's staff: they may open batches here.",
                related_name="training_centres",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(trainers_of_existing_batches, migrations.RunPython.noop),
    ]
