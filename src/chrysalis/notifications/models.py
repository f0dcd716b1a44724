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

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    verb = models.CharField(max_length=20, choices=Verb.choices)
    post = models.ForeignKey("posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey("posts.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey("spaces.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_inbox"),
            models.Index(fields=["recipient", "read_at"], name="notif_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} for {self.recipient_id}"
