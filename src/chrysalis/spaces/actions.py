"""Writes of spaces and memberships. Each validates, checks permission, writes in one transaction,
and notifies / reindexes on commit. Refusals raise chrysalis.core.errors and write nothing.

Secret spaces: to someone who is neither a member nor invited, every action answers exactly as
for a missing space (NotFound "No such space.").
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from chrysalis.core.errors import Conflict, Forbidden, Invalid, NotFound
from chrysalis.core.text import clean_line, clean_text, unique_slug
from chrysalis.notifications.actions import notify
from chrysalis.notifications.models import Notification
from chrysalis.spaces import queries
from chrysalis.spaces.models import Invitation, JoinRequest, Membership, Role, Space, Visibility

# Slugs that would clash with the spaces pages' own URLs (/spaces/new/).
RESERVED_SLUGS = {"new"}


def _check_visibility(value: str) -> str:
    if value not in Visibility.values:
        raise Invalid(f"Visibility must be one of: {', '.join(Visibility.values)}.", field="visibility")
    return value


def _check_actor(actor) -> None:
    if not queries._active(actor):
        raise Forbidden("Sign in with an active account first.")


def _require_known(actor, space: Space) -> None:
    """A secret space the actor may not know is answered as missing, before anything else."""
    if space.visibility == Visibility.SECRET and not queries.known_spaces(actor).filter(pk=space.pk).exists():
        raise NotFound(queries.NO_SUCH_SPACE)


def _reindex(space_id: int) -> None:
    def run():
        from chrysalis.search.indexing import index_space

        index_space(space_id)

    transaction.on_commit(run)


def _slug_for(name: str) -> str:
    slug = unique_slug(Space, name)
    if slug in RESERVED_SLUGS:
        slug = unique_slug(Space, f"{name} space")
    return slug


def create_space(actor, *, name: str, description: str = "", visibility: str = Visibility.OPEN) -> Space:
    _check_actor(actor)
    name = clean_line(name, field="name", label="Space name", max_length=120)
    description = clean_text(
        description, field="description", label="Description", max_length=2000, required=False
    )
    visibility = _check_visibility(visibility)
    with transaction.atomic():
        space = Space.objects.create(
            name=name, slug=_slug_for(name), description=description, visibility=visibility, created_by=actor
        )
        Membership.objects.create(space=space, user=actor, role=Role.OWNER)
        _reindex(space.pk)
    return space


def update_space(
    actor,
    space: Space,
    *,
    name: str | None = None,
    description: str | None = None,
    visibility: str | None = None,
) -> Space:
    """Owners (and staff) change name, description, visibility. The slug stays (links keep working)."""
    _check_actor(actor)
    _require_known(actor, space)
    if queries.role_of(actor, space) != Role.OWNER and not actor.is_staff:
        raise Forbidden("Only the space's owners can change its settings.")
    # Validate everything before touching the object: a refusal leaves it as it was.
    new_name = (
        clean_line(name, field="name", label="Space name", max_length=120) if name is not None else None
    )
    new_description = (
        clean_text(description, field="description", label="Description", max_length=2000, required=False)
        if description is not None
        else None
    )
    new_visibility = _check_visibility(visibility) if visibility is not None else None
    with transaction.atomic():
        if new_name is not None:
            space.name = new_name
        if new_description is not None:
            space.description = new_description
        if new_visibility is not None:
            space.visibility = new_visibility
        space.save(update_fields=["name", "description", "visibility"])
        _reindex(space.pk)
    return space


def _add_member(space: Space, user, role: str = Role.MEMBER) -> Membership:
    """Adds the membership (inside the caller's transaction), clears the invitation, closes a
    pending request, tells owners and moderators on commit."""
    try:
        with transaction.atomic():
            membership = Membership.objects.create(space=space, user=user, role=role)
    except IntegrityError:
        raise Conflict("You are already a member of this space.") from None
    Invitation.objects.filter(space=space, user=user).delete()
    JoinRequest.objects.filter(space=space, user=user, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.APPROVED, decided_at=timezone.now()
    )
    staff = list(
        space.memberships.filter(role__in=[Role.OWNER, Role.MODERATOR])
        .exclude(user=user)
        .select_related("user")
    )
    notify([m.user for m in staff], actor=user, verb=Notification.Verb.NEW_MEMBER, space=space)
    return membership


def join_space(actor, space: Space) -> Membership:
    """Open spaces: anyone joins. Private and secret spaces need an invitation (accept it) or,
    for private ones, an approved request."""
    _check_actor(actor)
    _require_known(actor, space)
    if queries.is_member(actor, space):
        raise Conflict("You are already a member of this space.")
    if space.visibility != Visibility.OPEN:
        if Invitation.objects.filter(space=space, user=actor).exists():
            return accept_invitation(actor, space)
        raise Forbidden("This space is private: ask to join, and a moderator will decide.")
    with transaction.atomic():
        return _add_member(space, actor)


def leave_space(actor, space: Space) -> None:
    _check_actor(actor)
    _require_known(actor, space)
    membership = Membership.objects.filter(space=space, user=actor).first()
    if membership is None:
        raise Conflict("You are not a member of this space.")
    if (
        membership.role == Role.OWNER
        and not space.memberships.filter(role=Role.OWNER).exclude(user=actor).exists()
    ):
        raise Conflict("You are the only owner: make someone else an owner before you leave.")
    membership.delete()


def invite_to_space(actor, space: Space, invitee) -> Invitation:
    """Members of open spaces and owners/moderators of private and secret spaces may invite."""
    _check_actor(actor)
    _require_known(actor, space)
    if not queries.is_member(actor, space) and not actor.is_staff:
        raise Forbidden("Only members can invite people to this space.")
    if space.visibility != Visibility.OPEN and not queries.can_moderate(actor, space):
        raise Forbidden("Only owners and moderators can invite people to a private or secret space.")
    if invitee is None or not invitee.is_active:
        raise Invalid("This person's account is deactivated.", field="username")
    if queries.is_member(invitee, space):
        raise Conflict(f"{invitee.name} is already a member.")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(space=space, user=invitee, invited_by=actor)
            notify([invitee], actor=actor, verb=Notification.Verb.INVITATION, space=space)
    except IntegrityError:
        raise Conflict(f"{invitee.name} has already been invited.") from None
    return invitation


def accept_invitation(actor, space: Space) -> Membership:
    _check_actor(actor)
    if not Invitation.objects.filter(space=space, user=actor).exists():
        _require_known(actor, space)
        raise NotFound("You have no invitation to this space.")
    with transaction.atomic():
        return _add_member(space, actor)


def decline_invitation(actor, space: Space) -> None:
    _check_actor(actor)
    deleted, _ = Invitation.objects.filter(space=space, user=actor).delete()
    if not deleted:
        _require_known(actor, space)
        raise NotFound("You have no invitation to this space.")


def request_to_join(actor, space: Space, message: str = "") -> JoinRequest:
    _check_actor(actor)
    _require_known(actor, space)
    if queries.is_member(actor, space):
        raise Conflict("You are already a member of this space.")
    if space.visibility != Visibility.PRIVATE:
        if Invitation.objects.filter(space=space, user=actor).exists():
            raise Conflict("You are already invited: accept the invitation to join.")
        raise Invalid("Only private spaces take requests to join; join open spaces directly.")
    if Invitation.objects.filter(space=space, user=actor).exists():
        raise Conflict("You are already invited: accept the invitation to join.")
    message = clean_line(message, field="message", label="Message", max_length=500, required=False)
    try:
        with transaction.atomic():
            req = JoinRequest.objects.create(space=space, user=actor, message=message)
            staff = [
                m.user
                for m in space.memberships.filter(role__in=[Role.OWNER, Role.MODERATOR]).select_related(
                    "user"
                )
            ]
            notify(staff, actor=actor, verb=Notification.Verb.JOIN_REQUEST, space=space)
    except IntegrityError:
        raise Conflict("You have already asked to join; a moderator will decide.") from None
    return req


def decide_join_request(actor, request: JoinRequest, *, approve: bool) -> JoinRequest:
    _check_actor(actor)
    _require_known(actor, request.space)
    if not queries.can_moderate(actor, request.space):
        raise Forbidden("Only owners and moderators decide on requests to join.")
    if request.status != JoinRequest.Status.PENDING:
        raise Conflict("This request has already been decided.")
    if approve and not request.user.is_active:
        raise Invalid("This person's account is deactivated; decline the request instead.")
    with transaction.atomic():
        # Decide only if still pending (two moderators clicking at once: the second one is told).
        updated = JoinRequest.objects.filter(pk=request.pk, status=JoinRequest.Status.PENDING).update(
            status=JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        if not updated:
            raise Conflict("This request has already been decided.")
        request.refresh_from_db(fields=["status", "decided_by", "decided_at"])
        if approve and request.user.is_active and not queries.is_member(request.user, request.space):
            _add_member(request.space, request.user)
    return request


def remove_member(actor, space: Space, member) -> None:
    """Owners remove anyone but the last owner; moderators remove plain members."""
    _check_actor(actor)
    _require_known(actor, space)
    if member.pk == actor.pk:
        return leave_space(actor, space)
    actor_role = queries.role_of(actor, space)
    if not actor.is_staff and actor_role not in (Role.OWNER, Role.MODERATOR):
        raise Forbidden("Only owners and moderators can remove members.")
    target = Membership.objects.filter(space=space, user=member).first()
    if target is None:
        raise NotFound(f"{member.name} is not a member of this space.")
    allowed = (
        actor.is_staff
        or actor_role == Role.OWNER
        or (actor_role == Role.MODERATOR and target.role == Role.MEMBER)
    )
    if not allowed:
        raise Forbidden("Moderators can remove members only; ask an owner to remove an owner or moderator.")
    if (
        target.role == Role.OWNER
        and not space.memberships.filter(role=Role.OWNER).exclude(user=member).exists()
    ):
        raise Conflict("A space needs at least one owner.")
    target.delete()


def set_role(actor, space: Space, member, role: str) -> Membership:
    _check_actor(actor)
    _require_known(actor, space)
    if role not in Role.values:
        raise Invalid(f"Role must be one of: {', '.join(Role.values)}.", field="role")
    if queries.role_of(actor, space) != Role.OWNER and not actor.is_staff:
        raise Forbidden("Only owners can change roles.")
    target = Membership.objects.filter(space=space, user=member).first()
    if target is None:
        raise NotFound(f"{member.name} is not a member of this space.")
    if (
        target.role == Role.OWNER
        and role != Role.OWNER
        and not space.memberships.filter(role=Role.OWNER).exclude(user=member).exists()
    ):
        raise Conflict("A space needs at least one owner.")
    if target.role != role:
        target.role = role
        target.save(update_fields=["role"])
    return target
