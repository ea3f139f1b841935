from django.db import migrations, models
from django.db.models.functions import Now


def mark_invited(apps, schema_editor):
    # Participants from before invitations were sent by e-mail were invited otherwise; a
    # deployment must not mail every one of them at once.
    Participant = apps.get_model("meetings", "Participant")
    Participant.objects.filter(invited_at__isnull=True).update(invited_at=Now())


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="invited_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_invited, migrations.RunPython.noop),
    ]
