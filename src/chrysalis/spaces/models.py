"""Spaces (communities) with a visibility and members with roles."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Visibility(models.TextChoices):
    OPEN = "open", "Open: anyone can read, members post"
    PRIVATE = "private", "Private: listed, only members read"
    SECRET = "secret", "Secret: unlisted, only members know it exists"


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MODERATOR = "moderator", "Moderator"
    MEMBER = "member", "Member"


class Space(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True, max_length=2000)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.OPEN)
    # Only tags that already exist may be used on content in this space (curated vocabularies).
    restrict_tags = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["visibility"])]

    def __str__(self) -> str:
        return self.name

    @property
    def initials(self) -> str:
        words = [w for w in self.name.replace("-", " ").split() if w[:1].isalnum()]
        return ("".join(w[0] for w in words[:2]) or "#").upper()

    @property
    def tone(self) -> int:
        """One of the 12 avatar colours (CSS class tone-N), stable per space."""
        return (self.pk or 0) % 12


class Membership(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "space"], name="member_once")]
        indexes = [models.Index(fields=["space", "role"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.space_id} ({self.role})"


class JoinRequest(models.Model):
    """A request to join a private space, decided by its owners and moderators."""

    class Status(models.TextChoices):
        PENDING = "pending"
        APPROVED = "approved"
        DECLINED = "declined"

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests")
    message = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["space", "user"], condition=models.Q(status="pending"), name="one_pending_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} asks to join {self.space_id} ({self.status})"


class Invitation(models.Model):
    """An invitation to a space; the invitee accepts or declines. Invitees of a secret space may
    know that the space exists (its name and description), nothing more, until they accept."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["space", "user"], name="invite_once")]

    def __str__(self) -> str:
        return f"{self.user_id} invited to {self.space_id}"
