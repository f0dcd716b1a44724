"""Reads of people and the organisation: the directory, profiles, the org chart, departments.

People and departments are not space content: every signed-in person may see every active
colleague's profile (name, title, department, manager, location, bio, skills).
"""

import base64
import binascii
import json
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower, NullIf

from chrysalis.core.errors import Invalid, NotFound
from chrysalis.core.pagination import Page, clamp_size, paginate
from chrysalis.people.models import ApiToken, Department, Follow, Skill, User

# The directory's order: by name, case-insensitively (display name, else username), then id.
# The same expression backs the `person_name_order` index (see models.User.Meta).
SORT_NAME = Lower(Coalesce(NullIf(F("display_name"), Value("")), F("username")))
ORG_CHART_MAX_DEPTH = 50


def token_for_secret(secret: str) -> ApiToken | None:
    """The personal access token with this secret, if its owner is active; None otherwise."""
    if not secret or not secret.startswith(ApiToken.PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(secret)).first()
    if token is None or not token.user.is_active:
        return None
    return token


def user_for_token(secret: str) -> User | None:
    """The active user owning this personal access token, or None."""
    token = token_for_secret(secret)
    return token.user if token else None


# --- the directory -----------------------------------------------------------------------------


def _encode_name_cursor(sort_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([sort_name, pk]).encode()).decode().rstrip("=")


def _decode_name_cursor(cursor: str) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode())
        sort_name, pk = json.loads(raw)
        if not isinstance(sort_name, str) or not isinstance(pk, int):
            raise ValueError
        return sort_name, pk
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise Invalid(
            "The page cursor is not valid; start again from the first page.", field="cursor"
        ) from None


def people() -> QuerySet[User]:
    """Active people with what a person card shows (department, skills)."""
    return User.objects.filter(is_active=True).select_related("department").prefetch_related("skills")


def descendant_ids(department: Department) -> list[int]:
    """The department and all its sub-departments (one query over the whole, small, tree)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, todo = [], [department.pk]
    while todo:
        pk = todo.pop()
        if pk in found:
            continue
        found.append(pk)
        todo.extend(children.get(pk, []))
    return found


def department_by_slug(slug: str) -> Department:
    department = Department.objects.filter(slug=slug).select_related("parent").first()
    if department is None:
        raise NotFound("No such department.")
    return department


def directory(
    viewer,
    *,
    q: str = "",
    department: Department | str | None = None,
    location: str = "",
    skill: str = "",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of active people ordered by name, filtered. `department` (an instance or a slug)
    includes its sub-departments; `location` matches exactly (case-insensitively); `skill` is a
    skill's slug or name; `q` matches every word against name, username and title.
    Keyset pagination on (lower-case name, id): one query for the page, one for the skills."""
    size = clamp_size(limit)
    qs = people()
    for word in (q or "").split()[:8]:
        qs = qs.filter(
            Q(display_name__icontains=word)
            | Q(username__icontains=word)
            | Q(title__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
        )
    if department:
        if isinstance(department, str):
            department = department_by_slug(department)
        qs = qs.filter(department_id__in=descendant_ids(department))
    if location and location.strip():
        qs = qs.filter(location__iexact=location.strip())
    if skill and skill.strip():
        skill = skill.strip()
        matching = Skill.objects.filter(Q(slug=skill.lower()) | Q(name__iexact=skill))
        qs = qs.filter(pk__in=User.skills.through.objects.filter(skill__in=matching).values("user_id"))
    qs = qs.annotate(sort_name=SORT_NAME)
    if cursor:
        sort_name, pk = _decode_name_cursor(cursor)
        qs = qs.filter(Q(sort_name__gt=sort_name) | Q(sort_name=sort_name, pk__gt=pk))
    items = list(qs.order_by("sort_name", "pk")[: size + 1])
    more = len(items) > size
    items = items[:size]
    next_cursor = _encode_name_cursor(items[-1].sort_name, items[-1].pk) if more and items else None
    return Page(items=items, next_cursor=next_cursor)


def suggest_people(viewer, q: str, limit: int = 8) -> list[User]:
    """A few active people whose name or username starts like `q` (for pickers)."""
    q = (q or "").strip()
    if not q:
        return []
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(display_name__icontains=q) | Q(username__istartswith=q))
        .annotate(sort_name=SORT_NAME)
        .order_by("sort_name", "pk")[:limit]
    )


# --- one person --------------------------------------------------------------------------------


@dataclass
class Profile:
    person: User
    followers_count: int
    following_count: int
    viewer_follows: bool
    reports_count: int
    is_self: bool


def person_by_username(username: str, *, active_only: bool = False) -> User:
    qs = User.objects.select_related("department", "manager")
    if active_only:
        qs = qs.filter(is_active=True)
    person = qs.filter(username=username).first()
    if person is None:
        raise NotFound("No such person.")
    return person


def _count(qs: QuerySet, group: str):
    """A correlated COUNT subquery (no join fan-out between several counts)."""
    return Coalesce(Subquery(qs.order_by().values(group).annotate(c=Count("pk")).values("c")[:1]), 0)


def profile(viewer, username: str) -> Profile:
    """A person's profile with follower/following counts and whether the viewer follows them.
    Deactivated people keep a profile page (their posts still link to it)."""
    person = (
        User.objects.select_related("department", "manager")
        .prefetch_related("skills")
        .annotate(
            n_followers=_count(
                Follow.objects.filter(followee_id=OuterRef("pk"), follower__is_active=True), "followee_id"
            ),
            n_following=_count(
                Follow.objects.filter(follower_id=OuterRef("pk"), followee__is_active=True), "follower_id"
            ),
            n_reports=_count(User.objects.filter(manager_id=OuterRef("pk"), is_active=True), "manager_id"),
            viewer_follows=Exists(Follow.objects.filter(follower_id=viewer.pk, followee_id=OuterRef("pk"))),
        )
        .filter(username=username)
        .first()
    )
    if person is None:
        raise NotFound("No such person.")
    return Profile(
        person=person,
        followers_count=person.n_followers,
        following_count=person.n_following,
        viewer_follows=bool(person.viewer_follows),
        reports_count=person.n_reports,
        is_self=person.pk == viewer.pk,
    )


def is_following(viewer, person: User) -> bool:
    return Follow.objects.filter(follower_id=viewer.pk, followee_id=person.pk).exists()


def followers_count(person: User) -> int:
    return Follow.objects.filter(followee_id=person.pk).count()


def followers(viewer, person: User, *, cursor: str | None = None, limit: int | None = None) -> Page:
    """People following `person`, most recent follow first; items are Users."""
    page = paginate(
        Follow.objects.filter(followee_id=person.pk, follower__is_active=True).select_related(
            "follower__department"
        ),
        cursor,
        limit,
    )
    return Page(items=[f.follower for f in page.items], next_cursor=page.next_cursor)


def following(viewer, person: User, *, cursor: str | None = None, limit: int | None = None) -> Page:
    """People `person` follows, most recent follow first; items are Users."""
    page = paginate(
        Follow.objects.filter(follower_id=person.pk, followee__is_active=True).select_related(
            "followee__department"
        ),
        cursor,
        limit,
    )
    return Page(items=[f.followee for f in page.items], next_cursor=page.next_cursor)


# --- org chart ---------------------------------------------------------------------------------


@dataclass
class OrgChart:
    person: User
    chain: list[User]  # managers, the top of the organisation first, the direct manager last
    reports: list[User]  # direct reports, each with `n_reports` (their own report count)


def reports_of(person: User) -> list[User]:
    return list(
        User.objects.filter(manager_id=person.pk, is_active=True)
        .select_related("department")
        .annotate(n_reports=Count("reports", filter=Q(reports__is_active=True)), sort_name=SORT_NAME)
        .order_by("sort_name", "pk")
    )


def org_chart(person: User) -> OrgChart:
    """The manager chain above `person` (top first) and their direct reports. The chain is
    walked one manager at a time (organisations are shallow) and stops on a cycle."""
    chain: list[User] = []
    seen = {person.pk}
    manager_id = person.manager_id
    while manager_id and manager_id not in seen and len(chain) < ORG_CHART_MAX_DEPTH:
        manager = User.objects.select_related("department").filter(pk=manager_id).first()
        if manager is None:
            break
        chain.append(manager)
        seen.add(manager.pk)
        manager_id = manager.manager_id
    chain.reverse()
    return OrgChart(person=person, chain=chain, reports=reports_of(person))


# --- departments, filter menus -----------------------------------------------------------------


@dataclass
class DepartmentNode:
    department: Department
    member_count: int
    children: list["DepartmentNode"] = field(default_factory=list)
    depth: int = 0

    @property
    def slug(self) -> str:
        return self.department.slug

    @property
    def name(self) -> str:
        return self.department.name

    @property
    def description(self) -> str:
        return self.department.description

    @property
    def indent(self) -> str:
        """Leading space showing the depth in a flat picker."""
        return "\u2003" * self.depth


def department_tree() -> list[DepartmentNode]:
    """All departments as a forest (roots first, children by name), each with its count of
    active members (not counting sub-departments). Two queries."""
    counts = dict(
        User.objects.filter(is_active=True, department__isnull=False)
        .values_list("department_id")
        .annotate(n=Count("pk"))
        .values_list("department_id", "n")
    )
    nodes = {d.pk: DepartmentNode(d, counts.get(d.pk, 0)) for d in Department.objects.order_by("name", "pk")}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.department.parent_id)
        (parent.children if parent else roots).append(node)

    def set_depth(items: list[DepartmentNode], depth: int) -> None:
        for n in items:
            n.depth = depth
            set_depth(n.children, depth + 1)

    set_depth(roots, 0)
    return roots


def flatten_tree(roots: list[DepartmentNode]) -> list[DepartmentNode]:
    """Depth-first list of the tree (for indented pickers)."""
    out: list[DepartmentNode] = []

    def walk(items: list[DepartmentNode]) -> None:
        for n in items:
            out.append(n)
            walk(n.children)

    walk(roots)
    return out


@dataclass
class DepartmentDetail:
    department: Department
    member_count: int  # active members of this department and its sub-departments
    direct_member_count: int
    children: list[Department]


def department_detail(slug: str) -> DepartmentDetail:
    department = department_by_slug(slug)
    ids = descendant_ids(department)
    active = User.objects.filter(is_active=True)
    return DepartmentDetail(
        department=department,
        member_count=active.filter(department_id__in=ids).count(),
        direct_member_count=active.filter(department_id=department.pk).count(),
        children=list(department.children.order_by("name")),
    )


def locations() -> list[str]:
    """Distinct locations of active people, sorted (for the directory's filter menu)."""
    return list(
        User.objects.filter(is_active=True)
        .exclude(location="")
        .order_by("location")
        .values_list("location", flat=True)
        .distinct()
    )


def skills_in_use() -> list[Skill]:
    """Skills at least one active person declares, by name (for the filter menu)."""
    return list(
        Skill.objects.filter(
            pk__in=User.skills.through.objects.filter(user__is_active=True).values("skill_id")
        ).order_by("name")
    )


def tokens_of(user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"))
