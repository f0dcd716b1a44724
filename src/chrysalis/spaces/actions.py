"""Writes of spaces and memberships. Each validates, checks permission, writes in one transaction,
and notifies on commit. Refusals raise chrysalis.core.errors and write nothing."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from chrysalis.core.errors import Conflict, Forbidden, Invalid, NotFound
from chrysalis.core.text import clean_line, clean_text, unique_slug
from chrysalis.notifications.actions import notify
from chrysalis.notifications.models import Notification
from chrysalis.spaces import queries
from chrysalis.spaces.models import Invitation, JoinRequest, Membership, Role, Space, Visibility


def _check_visibility(value: str) -> str:
    if value not in Visibility.values:
        raise Invalid(f"Visibility must be one of: {', '.join(Visibility.values)}.", field="visibility")
    return value


def create_space(actor, *, name: str, description: str = "", visibility: str = Visibility.OPEN) -> Space:
    name = clean_line(name, field="name", label="Space name", max_length=120)
    description = clean_text(description, field="description", label="Description", max_length=2000, required=False)
    visibility = _check_visibility(visibility)
    with transaction.atomic():
        space = Space.objects.create(
            name=name, slug=unique_slug(Space, name), description=description, visibility=visibility, created_by=actor
        )
        Membership.objects.create(space=space, user=actor, role=Role.OWNER)
    return space


def update_space(actor, space: Space, *, name: str | None = None, description: str | None = None,
                 visibility: str | None = None) -> Space:
    if queries.role_of(actor, space) != Role.OWNER and not actor.is_staff:
        raise Forbidden("Only the space's owners can change its settings.")
    if name is not None:
        space.name = clean_line(name, field="name", label="Space name", max_length=120)
    if description is not None:
        space.description = clean_text(description, field="description", label="Description", max_length=2000,
                                       required=False)
    if visibility is not None:
        space.visibility = _check_visibility(visibility)
    space.save(update_fields=["name", "description", "visibility"])
    return space


def _add_member(space: Space, user, role: str = Role.MEMBER) -> Membership:
    membership = Membership.objects.create(space=space, user=user, role=role)
    Invitation.objects.filter(space=space, user=user).delete()
    JoinRequest.objects.filter(space=space, user=user, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.APPROVED, decided_at=timezone.now()
    )
    staff = list(space.memberships.filter(role__in=[Role.OWNER, Role.MODERATOR]).exclude(user=user)
                 .select_related("user"))
    notify([m.user for m in staff], actor=user, verb=Notification.Verb.NEW_MEMBER, space=space)
    return membership


def join_space(actor, space: Space) -> Membership:
    """Open spaces: anyone joins. Private and secret spaces need an invitation (accept it) or,
    for private ones, an approved request."""
    if queries.is_member(actor, space):
        raise Conflict("You are already a member of this space.")
    if space.visibility != Visibility.OPEN:
        if Invitation.objects.filter(space=space, user=actor).exists():
            return accept_invitation(actor, space)
        if space.visibility == Visibility.SECRET:
            raise NotFound("No such space.")
        raise Forbidden("This space is private: ask to join, and a moderator will decide.")
    with transaction.atomic():
        return _add_member(space, actor)


def leave_space(actor, space: Space) -> None:
    membership = Membership.objects.filter(space=space, user=actor).first()
    if membership is None:
        raise Conflict("You are not a member of this space.")
    if membership.role == Role.OWNER and not space.memberships.filter(role=Role.OWNER).exclude(user=actor).exists():
        raise Conflict("You are the only owner: make someone else an owner before you leave.")
    membership.delete()


def invite_to_space(actor, space: Space, invitee) -> Invitation:
    """Members of open spaces and owners/moderators of private and secret spaces may invite."""
    if not queries.is_member(actor, space):
        raise Forbidden("Only members can invite people to this space.") if space.visibility != Visibility.SECRET \
            else NotFound("No such space.")
    if space.visibility != Visibility.OPEN and not queries.can_moderate(actor, space):
        raise Forbidden("Only owners and moderators can invite people to a private or secret space.")
    if not invitee.is_active:
        raise Invalid("This person's account is deactivated.", field="user")
    if queries.is_member(invitee, space):
        raise Conflict(f"{invitee.name} is already a member.")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(space=space, user=invitee, invited_by=actor)
    except IntegrityError:
        raise Conflict(f"{invitee.name} has already been invited.") from None
    notify([invitee], actor=actor, verb=Notification.Verb.INVITATION, space=space)
    return invitation


def accept_invitation(actor, space: Space) -> Membership:
    if not Invitation.objects.filter(space=space, user=actor).exists():
        raise NotFound("You have no invitation to this space.")
    with transaction.atomic():
        return _add_member(space, actor)


def decline_invitation(actor, space: Space) -> None:
    deleted, _ = Invitation.objects.filter(space=space, user=actor).delete()
    if not deleted:
        raise NotFound("You have no invitation to this space.")


def request_to_join(actor, space: Space, message: str = "") -> JoinRequest:
    if space.visibility == Visibility.SECRET and not queries.known_spaces(actor).filter(pk=space.pk).exists():
        raise NotFound("No such space.")
    if space.visibility != Visibility.PRIVATE:
        raise Invalid("Only private spaces take requests to join; join open spaces directly.")
    if queries.is_member(actor, space):
        raise Conflict("You are already a member of this space.")
    message = clean_line(message, field="message", label="Message", max_length=500, required=False)
    try:
        with transaction.atomic():
            req = JoinRequest.objects.create(space=space, user=actor, message=message)
    except IntegrityError:
        raise Conflict("You have already asked to join; a moderator will decide.") from None
    staff = [m.user for m in space.memberships.filter(role__in=[Role.OWNER, Role.MODERATOR]).select_related("user")]
    notify(staff, actor=actor, verb=Notification.Verb.JOIN_REQUEST, space=space)
    return req


def decide_join_request(actor, request: JoinRequest, *, approve: bool) -> JoinRequest:
    if not queries.can_moderate(actor, request.space):
        raise Forbidden("Only owners and moderators decide on requests to join.")
    if request.status != JoinRequest.Status.PENDING:
        raise Conflict("This request has already been decided.")
    with transaction.atomic():
        request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
        request.decided_by, request.decided_at = actor, timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at"])
        if approve and not queries.is_member(request.user, request.space):
            _add_member(request.space, request.user)
    return request


def remove_member(actor, space: Space, member) -> None:
    """Owners remove anyone but the last owner; moderators remove plain members."""
    if member.pk == actor.pk:
        return leave_space(actor, space)
    actor_role = queries.role_of(actor, space)
    target = Membership.objects.filter(space=space, user=member).first()
    if target is None:
        raise NotFound(f"{member.name} is not a member of this space.")
    allowed = actor.is_staff or actor_role == Role.OWNER or (
        actor_role == Role.MODERATOR and target.role == Role.MEMBER
    )
    if not allowed:
        raise Forbidden("You cannot remove this member.")
    if target.role == Role.OWNER and not space.memberships.filter(role=Role.OWNER).exclude(user=member).exists():
        raise Conflict("A space needs at least one owner.")
    target.delete()


def set_role(actor, space: Space, member, role: str) -> Membership:
    if role not in Role.values:
        raise Invalid(f"Role must be one of: {', '.join(Role.values)}.", field="role")
    if queries.role_of(actor, space) != Role.OWNER and not actor.is_staff:
        raise Forbidden("Only owners can change roles.")
    target = Membership.objects.filter(space=space, user=member).first()
    if target is None:
        raise NotFound(f"{member.name} is not a member of this space.")
    if target.role == Role.OWNER and role != Role.OWNER and \
            not space.memberships.filter(role=Role.OWNER).exclude(user=member).exists():
        raise Conflict("A space needs at least one owner.")
    target.role = role
    target.save(update_fields=["role"])
    return target
