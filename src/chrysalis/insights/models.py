"""Organisation insights: snapshots of the figures (computed by a task) and introductions sent."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class InsightSnapshot(models.Model):
    """The organisation's figures for one date range [period_start, period_end), as JSON.

    Computed from public content only (the company feed and open spaces), so private and secret
    activity never shows in them; small groups are already merged away in the payload (see
    insights.compute). `range_key` names the standard ranges ("30", "90", "365": the last N days,
    recomputed daily) or "custom" for a range asked for on demand."""

    range_key = models.CharField(max_length=10)
    period_start = models.DateField()
    period_end = models.DateField()  # exclusive
    computed_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0.0)  # how long the computation took
    payload = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["range_key", "period_start", "period_end", "-computed_at"],
                                name="insight_latest")]
        permissions = [("view_insights", "Can see organisation insights (community managers)")]

    def __str__(self) -> str:
        return f"insights {self.period_start}..{self.period_end} ({self.range_key})"

    @property
    def last_day(self):
        """The range's last day (period_end is exclusive)."""
        return self.period_end - timedelta(days=1)


class InsightRequest(models.Model):
    """An administrator asked for a snapshot to be computed (kept so the page can say it is coming)."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    requested_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"request {self.period_start}..{self.period_end}"


class Introduction(models.Model):
    """A suggested introduction that someone sent: two people across departments, and why."""

    introduced_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    person_a = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=50)
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b", "topic"], name="introduce_once"),
            models.CheckConstraint(condition=models.Q(person_a__lt=models.F("person_b")), name="introduce_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id} meets {self.person_b_id} about {self.topic}"
