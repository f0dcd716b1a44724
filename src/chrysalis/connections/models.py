"""What a person said "not now" to: a suggested person, space or question, with the reason that was
shown and until when it stays hidden. Rows are never deleted by the product: they are the record of
what was suggested, why, and what the person thought of it."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Dismissal(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        SPACE = "space", "Space"
        QUESTION = "question", "Question"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dismissals")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    target_id = models.PositiveBigIntegerField()  # a user, space or post id, by kind
    reason = models.CharField(max_length=300, blank=True)  # the reason shown when it was dismissed
    created_at = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField()  # not suggested again before this time

    class Meta:
        indexes = [models.Index(fields=["user", "kind", "until"], name="dismissal_active")]

    def __str__(self) -> str:
        return f"{self.user_id} dismissed {self.kind} {self.target_id} until {self.until:%Y-%m-%d}"
