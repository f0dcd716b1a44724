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
        ANSWER = "answer", "Answer"
        ARTICLE = "article", "Knowledge article"

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

    # Q&A (see chrysalis.qa): answers point at their question; a question may accept one answer.
    question = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    accepted_answer = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.IntegerField(default=0)  # up votes minus down votes, kept by the vote actions
    answer_count = models.PositiveIntegerField(default=0)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Knowledge articles: the thread an article was distilled from (linked both ways).
    source_question = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    external_id = models.CharField(max_length=120, null=True, blank=True, unique=True)  # imports

    class Meta:
        indexes = [
            models.Index(fields=["kind", "-created_at", "-id"], name="post_kind_newest"),
            models.Index(fields=["question", "created_at"], name="post_answers"),
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
    external_id = models.CharField(max_length=120, null=True, blank=True, unique=True)  # imports

    class Meta:
        indexes = [models.Index(fields=["post", "created_at"])]

    def __str__(self) -> str:
        return f"comment {self.pk} on post {self.post_id}"


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

    def __str__(self) -> str:
        return f"{self.kind} by {self.user_id}"


class Mention(models.Model):
    """Who was @mentioned where; kept so that an edit notifies only newly mentioned people."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id} mentioned in post {self.post_id}"


class Attachment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.original_name

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

    def __str__(self) -> str:
        return self.url


class Vote(models.Model):
    """An up (+1) or down (-1) vote on a question or answer. Imported votes may have no voter
    (Stack Exchange dumps are anonymous); Post.score is their sum."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="votes"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    external_id = models.CharField(max_length=120, null=True, blank=True, unique=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], condition=models.Q(user__isnull=False), name="vote_once"),
            models.CheckConstraint(condition=models.Q(value__in=[-1, 1]), name="vote_value"),
        ]
        indexes = [models.Index(fields=["post", "created_at"])]

    def __str__(self) -> str:
        return f"{self.value:+d} on post {self.post_id}"


class Revision(models.Model):
    """Every version of a question, answer or article: number 1 is the original."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="revisions"
    )
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    tags = models.CharField(max_length=600, blank=True)  # space-separated tag names at this revision
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["post", "number"]
        constraints = [models.UniqueConstraint(fields=["post", "number"], name="revision_number_once")]

    def __str__(self) -> str:
        return f"revision {self.number} of post {self.post_id}"


class TagFollow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tag_follows")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tag"], name="tag_follow_once")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.tag_id}"


class PostRead(models.Model):
    """That a person has read a post (distinct readers for a person's impact). Only the first read
    is kept, once per person and post; nothing else is recorded (no later reads, no addresses).
    Authors' reads of their own posts are not recorded."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_reads")
    first_read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="post_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} read post {self.post_id}"
