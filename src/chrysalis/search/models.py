"""The search index: one SearchDocument per indexed post, comment, person or space.

The full-text index itself lives beside this table and is created by a vendor-checked migration:
- SQLite: an FTS5 table `search_fts` with external content on this table (title, body), kept in
  step by SQL triggers (see chrysalis.search.fts);
- PostgreSQL: a stored generated tsvector column `search_vector` (title weight A, body weight B)
  with a GIN index.
Access is decided at query time from `space` (the content's space) through the one access door.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    POST = "post", "Posts"
    COMMENT = "comment", "Comments"
    PERSON = "person", "People"
    SPACE = "space", "Spaces"


class SearchDocument(models.Model):
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    # The content's space: a post's space, a comment's post's space, the space itself for a space
    # document, null for people and for company posts.
    space = models.ForeignKey(
        "spaces.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The post a post or comment document belongs to (to link to it and to drop comments with it).
    post = models.ForeignKey("posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # What a link needs besides object_id: a person's username, a space's slug.
    ref = models.CharField(max_length=150, blank=True)
    title = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)  # plain text
    # The author of a post or comment; the person themself for a person document.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_doc_once")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
