"""In-app notifications."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    class Verb(models.TextChoices):
        MENTION = "mention", "mentioned you"
        COMMENT = "comment", "commented on your post"
        REPLY = "reply", "replied to your comment"
        REACTION = "reaction", "reacted to your post"
        NEW_MEMBER = "new_member", "joined your space"
        JOIN_REQUEST = "join_request", "asked to join your space"
        INVITATION = "invitation", "invited you to a space"
        FOLLOW = "follow", "started following you"
        ANSWER = "answer", "answered your question"
        ACCEPTED = "accepted", "accepted your answer"
        VOTE = "vote", "voted on your post"
        QA_COMMENT = "qa_comment", "commented on your answer"
        ARTICLE = "article", "credited you in a knowledge article"
        ROUTED = "routed", "asked you to answer"
        INTRODUCTION = "introduction", "introduced you to"
        ASKED_BY_NAME = "asked_by_name", "asked you by name to answer"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    verb = models.CharField(max_length=20, choices=Verb.choices)
    post = models.ForeignKey("posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey("posts.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey("spaces.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # when an immediate e-mail about it was handed to the mail server (claimed before sending, so a
    # retried task never sends it twice)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_inbox"),
            models.Index(fields=["recipient", "read_at"], name="notif_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} for {self.recipient_id}"


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", "Immediately"
    DIGEST = "digest", "In the digest"
    OFF = "off", "Off"


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    OFF = "off", "Off"


# The kinds of notification that can come by e-mail: the field of EmailSettings = the verb.
EMAIL_KINDS: dict[str, str] = {
    Notification.Verb.ROUTED: "A question is routed to you",
    Notification.Verb.MENTION: "Someone mentions you",
    Notification.Verb.ANSWER: "An answer to your question",
    Notification.Verb.ACCEPTED: "Your answer is accepted",
}
# verb of a notification → the kind (EmailSettings field) that says how it is e-mailed
KIND_OF_VERB: dict[str, str] = {
    **{verb: verb for verb in EMAIL_KINDS},
    Notification.Verb.ASKED_BY_NAME: Notification.Verb.ROUTED,
}


class EmailSettings(models.Model):
    """How one person wants e-mail, per kind of notification and for the digest. A person without a
    row has the defaults. `User.email_notifications` stays the master switch: off, no e-mail at all."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_settings")
    routed = models.CharField(max_length=12, choices=Delivery.choices, default=Delivery.IMMEDIATELY)
    mention = models.CharField(max_length=12, choices=Delivery.choices, default=Delivery.IMMEDIATELY)
    answer = models.CharField(max_length=12, choices=Delivery.choices, default=Delivery.IMMEDIATELY)
    accepted = models.CharField(max_length=12, choices=Delivery.choices, default=Delivery.DIGEST)
    digest = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"e-mail settings of {self.user_id}"

    def delivery(self, verb: str) -> str:
        """How a notification with this verb is e-mailed (not an e-mail kind: off)."""
        kind = KIND_OF_VERB.get(verb)
        return getattr(self, kind) if kind else Delivery.OFF


class DigestDelivery(models.Model):
    """One digest for one person and one period, recorded before it is sent: a period is sent at
    most once per person (a retried task finds the row and sends nothing)."""

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        EMPTY = "empty", "Nothing to say"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=8, choices=Frequency.choices)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SENDING)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "frequency", "period_end"], name="digest_once"),
        ]
        indexes = [models.Index(fields=["frequency", "period_end"], name="digest_period")]

    def __str__(self) -> str:
        return f"{self.frequency} digest of {self.recipient_id} to {self.period_end:%Y-%m-%d %H:%M}"
