"""Conversations: posts (in a space or on the company feed), comments with one level of replies,
reactions, tags, mentions, attachments and links (resources)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)  # lower-case, as written after '#'
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    class Kind(models.TextChoices):
        POST = "post", "Post"
        QUESTION = "question", "Question"

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")
    space = models.ForeignKey(
        "spaces.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="posts"
    )  # null: the company feed, readable by everyone signed in
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.POST)
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    body_html = models.TextField()
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment_count = models.PositiveIntegerField(default=0)
    reaction_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="post_newest"),
            models.Index(fields=["space", "-created_at", "-id"], name="post_space_newest"),
            models.Index(fields=["author", "-created_at", "-id"], name="post_author_newest"),
        ]

    def __str__(self) -> str:
        return self.title or self.body[:60]


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )  # one level: a reply's parent is always a top-level comment
    body = models.TextField()
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["post", "created_at"])]


class Reaction(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", "👍 Like"
        CELEBRATE = "celebrate", "🎉 Celebrate"
        INSIGHTFUL = "insightful", "💡 Insightful"
        SUPPORT = "support", "🤝 Support"
        CURIOUS = "curious", "🤔 Curious"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(post__isnull=False, comment__isnull=True)
                | models.Q(post__isnull=True, comment__isnull=False),
                name="reaction_one_target",
            ),
            models.UniqueConstraint(fields=["user", "post", "kind"], name="react_post_once"),
            models.UniqueConstraint(fields=["user", "comment", "kind"], name="react_comment_once"),
        ]


class Mention(models.Model):
    """Who was @mentioned where; kept so that an edit notifies only newly mentioned people."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions")
    created_at = models.DateTimeField(default=timezone.now)


class Attachment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def human_size(self) -> str:
        from chrysalis.posts.files import human_size

        return human_size(self.size)


class LinkResource(models.Model):
    """A link written in a post, shown as a resource beside it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(max_length=2000)
    domain = models.CharField(max_length=255)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "url"], name="link_once")]
