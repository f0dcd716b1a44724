"""People and the organisation: users, departments (a tree), skills, follows, API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone


class Department(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    """A self-declared skill ("PostgreSQL", "negotiation"); names are unique case-insensitively."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    display_name = models.CharField(max_length=150, blank=True)
    title = models.CharField(max_length=150, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    location = models.CharField(max_length=120, blank=True, db_index=True)
    bio = models.TextField(blank=True, max_length=4000)
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="people")
    external_id = models.CharField(max_length=120, null=True, blank=True, unique=True)
    email_notifications = models.BooleanField(default=True)

    objects = UserManager()

    class Meta:
        ordering = ["display_name", "username"]
        indexes = [
            # The directory's keyset order (people.queries.SORT_NAME, then id).
            models.Index(
                Lower(Coalesce(NullIf(F("display_name"), Value("")), F("username"))), F("id"),
                name="person_name_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.replace("-", " ").split() if p[:1].isalnum()]
        return ("".join(p[0] for p in parts[:2]) or self.username[:2]).upper()

    @property
    def avatar_tone(self) -> int:
        """One of 12 stable colours for the generated initials avatar (CSS class tone-N)."""
        return int(hashlib.md5(self.username.encode()).hexdigest()[:4], 16) % 12


class Follow(models.Model):
    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following_links")
    followee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follower_links")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_once"),
            models.CheckConstraint(condition=~models.Q(follower=models.F("followee")), name="no_self_follow"),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followee_id}"


class ApiToken(models.Model):
    """A personal access token. Only a hash is stored; the secret is shown once at creation."""

    PREFIX = "chr_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} (…{self.hint})"

    @staticmethod
    def hash(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def new_secret(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
