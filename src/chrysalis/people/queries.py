"""Reads of people and the organisation."""

from django.utils import timezone

from chrysalis.people.models import ApiToken, User


def user_for_token(secret: str) -> User | None:
    """The active user owning this personal access token, or None. Marks the token used."""
    if not secret or not secret.startswith(ApiToken.PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(secret)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
