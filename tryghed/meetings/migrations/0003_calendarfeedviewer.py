from collections import defaultdict

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone


def mark_viewers(apps, schema_editor):
    # Addresses made before viewers were recorded: whoever made a member's address has seen
    # it, and so may every current secretary who runs all the councils the member sits on
    # (the council's page showed it to them). From now on such an address lists only what
    # they run; the member makes a new one for a full calendar.
    CalendarFeed = apps.get_model("meetings", "CalendarFeed")
    CalendarFeedViewer = apps.get_model("meetings", "CalendarFeedViewer")
    CouncilMembership = apps.get_model("organisation", "CouncilMembership")
    today = timezone.localdate()
    ongoing = Q(end_date__isnull=True) | Q(end_date__gte=today)
    started = Q(start_date__isnull=True) | Q(start_date__lte=today)
    runs = defaultdict(set)
    secretaries = CouncilMembership.objects.filter(
        ongoing, started, position="secretary", person__user__isnull=False
    )
    for user_id, council_id in secretaries.values_list("person__user", "council"):
        runs[user_id].add(council_id)
    rows = []
    for feed in CalendarFeed.objects.filter(person__isnull=False).select_related("person"):
        own = feed.person.user_id
        viewers = set()
        if feed.created_by_id is not None and feed.created_by_id != own:
            viewers.add(feed.created_by_id)
        sits_on = set(
            CouncilMembership.objects.filter(ongoing, person=feed.person_id).values_list(
                "council", flat=True
            )
        )
        if sits_on:
            viewers.update(
                user for user, councils in runs.items() if user != own and sits_on <= councils
            )
        rows += [CalendarFeedViewer(feed_id=feed.pk, user_id=user) for user in viewers]
    CalendarFeedViewer.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_participant_invited_at"),
        ("organisation", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CalendarFeedViewer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("shown_at", models.DateTimeField(auto_now_add=True)),
                (
                    "feed",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="viewers",
                        to="meetings.calendarfeed",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "calendar address viewer",
                "verbose_name_plural": "calendar address viewers",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("feed", "user"), name="uniq_calendar_feed_viewer"
                    )
                ],
            },
        ),
        migrations.RunPython(mark_viewers, migrations.RunPython.noop),
    ]
