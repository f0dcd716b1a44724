"""Expertise settings per person and per space, and the record of every routed question."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ExpertSettings(models.Model):
    """A person's availability for expert search and routing (absent row = defaults)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_settings"
    )
    opt_out_of_expertise = models.BooleanField(default=False)  # hidden from expert search and routing
    away_until = models.DateTimeField(null=True, blank=True)  # not routed to before this time

    def __str__(self) -> str:
        return f"expertise settings of {self.user_id}"


class SpaceRoutingSettings(models.Model):
    space = models.OneToOneField("spaces.Space", on_delete=models.CASCADE, related_name="routing_settings")
    experts_per_question = models.PositiveSmallIntegerField(default=3)

    def __str__(self) -> str:
        return f"routing of space {self.space_id}: {self.experts_per_question} experts"


class RoutingRequest(models.Model):
    """One expert asked to answer one question (round 1: when posted; 2+: escalations)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        ANSWERED = "answered", "Answered"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"

    class Reason(models.TextChoices):
        NOT_MY_AREA = "not my area", "Not my area"
        BUSY = "busy", "Busy"

    question = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="routing_requests")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_requests"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    round = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    score = models.FloatField(default=0.0)  # the expert's ranking score when asked
    # why they were asked: the question's topics their work matches (words and tags of the question)
    topics = models.JSONField(default=list, blank=True)
    # the asker chose this person by name ("Ask" on a profile), besides the experts Chrysalis chose
    by_name = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    declined_reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    response_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "expert"], name="route_once")]
        indexes = [
            models.Index(fields=["expert", "status", "-asked_at"], name="route_inbox"),
            models.Index(fields=["expert", "asked_at"], name="route_load"),
            models.Index(fields=["status", "asked_at"], name="route_open"),
        ]

    def __str__(self) -> str:
        return f"{self.expert_id} asked about {self.question_id} ({self.status})"


class IndexChange(models.Model):
    """The expertise index's change journal, in the database so that every process on every machine
    catches up from it: one row per incremental operation ("post", "comment", "unpost",
    "uncomment", "decline") on one object. Written by the indexing tasks; see experts.engine."""

    op = models.CharField(max_length=10)
    obj_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.op} {self.obj_id}"
