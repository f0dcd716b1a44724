"""Writes of people and the organisation: profiles, avatars, skills, follows, API tokens,
departments. Each validates, checks permission, writes in one transaction, and runs its side
effects (search indexing, notifications, file clean-up) on commit. Refusals raise
chrysalis.core.errors before anything is written."""

import io
import secrets
import warnings

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from chrysalis.core.errors import Conflict, Forbidden, Invalid, NotFound
from chrysalis.core.text import clean_line, clean_text, unique_slug
from chrysalis.notifications.actions import notify
from chrysalis.notifications.models import Notification
from chrysalis.people.models import ApiToken, Department, Follow, Skill, User

UNSET = object()  # "leave this field as it is" (None means "clear it" for department and manager)

MAX_SKILLS = 30
MAX_SKILL_LENGTH = 80
MAX_TOKENS = 50
AVATAR_MAX_BYTES = 2 * 1024 * 1024
AVATAR_SIZE = 256
AVATAR_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}
AVATAR_MAX_PIXELS = 40_000_000  # refuse decompression bombs long before Pillow's own limit


def _index_person_on_commit(user_id: int) -> None:
    def run() -> None:
        from chrysalis.search import indexing

        indexing.index_person(user_id)

    transaction.on_commit(run)


def _check_may_edit(actor, person: User) -> None:
    if actor.pk != person.pk and not actor.is_staff:
        raise Forbidden("You can only change your own profile.")


def _resolve_department(value) -> Department | None:
    if value is None or value == "":
        return None
    if isinstance(value, Department):
        return value
    department = Department.objects.filter(slug=str(value)).first()
    if department is None:
        raise Invalid(f"There is no department '{value}'.", field="department")
    return department


def _resolve_manager(value, person: User) -> User | None:
    if value is None or value == "":
        return None
    if isinstance(value, User):
        manager = value
    else:
        manager = User.objects.filter(username=str(value).strip().lstrip("@")).first()
        if manager is None:
            raise Invalid(f"There is nobody with the username '{value}'.", field="manager")
    if manager.pk == person.pk:
        raise Invalid("A person cannot be their own manager.", field="manager")
    if not manager.is_active:
        raise Invalid(f"{manager.name}'s account is deactivated; choose an active manager.", field="manager")
    # Walk up from the new manager: meeting `person` would close a loop.
    seen, current = {manager.pk}, manager.manager_id
    while current is not None:
        if current == person.pk:
            raise Invalid(
                f"{manager.name} reports (directly or indirectly) to {person.name}, "
                "so they cannot also be their manager.",
                field="manager",
            )
        if current in seen:
            break
        seen.add(current)
        current = User.objects.filter(pk=current).values_list("manager_id", flat=True).first()
    return manager


def _clean_skill_names(names) -> list[str]:
    if isinstance(names, str):
        names = names.split(",")
    cleaned: dict[str, str] = {}
    for raw in names or []:
        if not isinstance(raw, str):
            raise Invalid("Skills must be text.", field="skills")
        name = clean_line(raw, field="skills", label="A skill", max_length=MAX_SKILL_LENGTH, required=False)
        if name:
            cleaned.setdefault(name.casefold(), name)
    if len(cleaned) > MAX_SKILLS:
        raise Invalid(f"You can list at most {MAX_SKILLS} skills ({len(cleaned)} given).", field="skills")
    return list(cleaned.values())


def _skills_for(names: list[str]) -> list[Skill]:
    skills = []
    for name in names:
        skill = Skill.objects.filter(name__iexact=name).first()
        if skill is None:
            skill = Skill.objects.create(name=name, slug=unique_slug(Skill, name, max_length=100))
        skills.append(skill)
    return skills


def update_profile(
    actor,
    person: User,
    *,
    display_name=UNSET,
    title=UNSET,
    location=UNSET,
    bio=UNSET,
    department=UNSET,
    manager=UNSET,
    email_notifications=UNSET,
    skills=UNSET,
) -> User:
    """Change a profile: one's own, or anyone's for staff. Only the fields given change.
    `department` is a Department, its slug, or None; `manager` a User, a username, or None;
    `skills` a list of names (or one comma-separated string). Names and bios are stored as
    plain text; templates escape them."""
    _check_may_edit(actor, person)
    changes: dict = {}
    if display_name is not UNSET:
        changes["display_name"] = clean_line(display_name, field="display_name", label="Name", max_length=150)
    if title is not UNSET:
        changes["title"] = clean_line(title, field="title", label="Title", max_length=150, required=False)
    if location is not UNSET:
        changes["location"] = clean_line(
            location, field="location", label="Location", max_length=120, required=False
        )
    if bio is not UNSET:
        changes["bio"] = clean_text(bio, field="bio", label="Bio", max_length=4000, required=False)
    if department is not UNSET:
        changes["department"] = _resolve_department(department)
    if manager is not UNSET:
        changes["manager"] = _resolve_manager(manager, person)
    if email_notifications is not UNSET:
        if not isinstance(email_notifications, bool):
            raise Invalid("E-mail notifications must be on or off.", field="email_notifications")
        changes["email_notifications"] = email_notifications
    skill_names = _clean_skill_names(skills) if skills is not UNSET else None

    with transaction.atomic():
        for name, value in changes.items():
            setattr(person, name, value)
        if changes:
            person.save(update_fields=list(changes))
        if skill_names is not None:
            person.skills.set(_skills_for(skill_names))
        _index_person_on_commit(person.pk)
    return person


def set_skills(actor, names, person: User | None = None) -> list[Skill]:
    """Replace the self-declared skills of `actor` (or of `person`, for staff). Skills are shared
    rows matched case-insensitively by name; at most 30, each at most 80 characters."""
    person = person or actor
    _check_may_edit(actor, person)
    cleaned = _clean_skill_names(names)
    with transaction.atomic():
        skills = _skills_for(cleaned)
        person.skills.set(skills)
        _index_person_on_commit(person.pk)
    return skills


def _read_image(uploaded_file) -> Image.Image:
    size = getattr(uploaded_file, "size", None)
    if size is None:
        uploaded_file.seek(0, io.SEEK_END)
        size = uploaded_file.tell()
    if size == 0:
        raise Invalid("The file is empty; choose a PNG, JPEG, WebP or GIF image.", field="avatar")
    if size > AVATAR_MAX_BYTES:
        raise Invalid(
            f"The image is too large ({size / 1024 / 1024:.1f} MB); the limit is "
            f"{AVATAR_MAX_BYTES // 1024 // 1024} MB.",
            field="avatar",
        )
    data = uploaded_file.read()
    not_image = Invalid("This file is not a PNG, JPEG, WebP or GIF image.", field="avatar")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in AVATAR_FORMATS:
                    raise not_image
                if probe.width * probe.height > AVATAR_MAX_PIXELS:
                    raise Invalid("The image has too many pixels; use a smaller picture.", field="avatar")
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image.seek(0)  # first frame of an animation
            image.load()
    except Invalid:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise not_image from None
    return image


def _avatar_bytes(image: Image.Image) -> bytes:
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
    image = ImageOps.fit(image, (AVATAR_SIZE, AVATAR_SIZE), method=Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=85, method=4)
    return out.getvalue()


def _delete_file_on_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def set_avatar(actor, person: User, uploaded_file) -> User:
    """Replace a profile photo. The upload must be a real PNG, JPEG, WebP or GIF image of at
    most 2 MB; it is re-encoded (metadata dropped) and cropped to a 256 px square WebP stored
    under MEDIA_ROOT/avatars/."""
    _check_may_edit(actor, person)
    if uploaded_file is None:
        raise Invalid("Choose an image file to upload.", field="avatar")
    encoded = _avatar_bytes(_read_image(uploaded_file))
    old = person.avatar.name
    with transaction.atomic():
        person.avatar.save(f"{person.pk}-{secrets.token_hex(6)}.webp", ContentFile(encoded), save=False)
        person.save(update_fields=["avatar"])
        _delete_file_on_commit(old)
    return person


def remove_avatar(actor, person: User) -> User:
    _check_may_edit(actor, person)
    old = person.avatar.name
    if not old:
        return person
    with transaction.atomic():
        person.avatar = ""
        person.save(update_fields=["avatar"])
        _delete_file_on_commit(old)
    return person


def follow_person(actor, person: User) -> Follow:
    if actor.pk == person.pk:
        raise Invalid("You cannot follow yourself.", field="username")
    if not person.is_active:
        raise Invalid(f"{person.name}'s account is deactivated.", field="username")
    if Follow.objects.filter(follower=actor, followee=person).exists():
        raise Conflict(f"You already follow {person.name}.")
    try:
        with transaction.atomic():
            follow = Follow.objects.create(follower=actor, followee=person)
            notify([person], actor=actor, verb=Notification.Verb.FOLLOW)
    except IntegrityError:
        raise Conflict(f"You already follow {person.name}.") from None
    return follow


def unfollow_person(actor, person: User) -> None:
    deleted, _ = Follow.objects.filter(follower=actor, followee=person).delete()
    if not deleted:
        raise Conflict(f"You do not follow {person.name}.")


def create_api_token(user: User, *, name: str) -> tuple[ApiToken, str]:
    """A new personal access token. Returns the token and its secret: the secret is shown once
    and only its SHA-256 hash is stored."""
    name = clean_line(name, field="name", label="Token name", max_length=80)
    if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS:
        raise Invalid(f"You already have {MAX_TOKENS} tokens; revoke some first.", field="name")
    secret = ApiToken.new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, key_hash=ApiToken.hash(secret), hint=secret[-4:]
        )
    return token, secret


def revoke_api_token(actor, token_id: int) -> None:
    """Delete one of the actor's own tokens; someone else's token is 'not found'."""
    deleted, _ = ApiToken.objects.filter(pk=token_id, user_id=actor.pk).delete()
    if not deleted:
        raise NotFound("No such token.")


def create_department(
    actor, *, name: str, parent: Department | str | None = None, description: str = ""
) -> Department:
    if not actor.is_staff:
        raise Forbidden("Only administrators can create departments.")
    name = clean_line(name, field="name", label="Department name", max_length=120)
    description = clean_text(
        description, field="description", label="Description", max_length=2000, required=False
    )
    if parent is not None and parent != "":
        if not isinstance(parent, Department):
            found = Department.objects.filter(slug=str(parent)).first()
            if found is None:
                raise Invalid(f"There is no department '{parent}'.", field="parent")
            parent = found
    else:
        parent = None
    if Department.objects.filter(name__iexact=name, parent=parent).exists():
        raise Conflict(f"There is already a department called {name} here.")
    with transaction.atomic():
        return Department.objects.create(
            name=name,
            slug=unique_slug(Department, name, max_length=140),
            parent=parent,
            description=description,
        )


__all__ = [
    "UNSET",
    "update_profile",
    "set_skills",
    "set_avatar",
    "remove_avatar",
    "follow_person",
    "unfollow_person",
    "create_api_token",
    "revoke_api_token",
    "create_department",
]


def record_token_use(token: ApiToken) -> None:
    """Note when a token was last used (at most one write a minute per token)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
