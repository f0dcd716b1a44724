"""People, departments, follows and personal access tokens in the JSON API."""

from ninja import Query, Router, Schema, Status

from chrysalis.people import actions, queries
from chrysalis.people.schemas import (
    DepartmentNodeOut,
    DepartmentOut,
    DepartmentRef,
    FollowOut,
    MyProfileOut,
    NewTokenOut,
    OrgChartOut,
    PersonOut,
    PersonPage,
    ProfileOut,
    ProfilePatch,
    TokenIn,
    TokenOut,
)

router = Router(tags=["people"])

ERRORS = {401: dict, 404: dict, 422: dict}


class DirectoryFilters(Schema):
    q: str = ""
    department: str = ""
    location: str = ""
    skill: str = ""
    cursor: str | None = None
    limit: int | None = None


class PageParams(Schema):
    cursor: str | None = None
    limit: int | None = None


def _profile_out(profile: queries.Profile, cls=ProfileOut):
    p = profile.person
    base = PersonOut.from_user(p).model_dump()
    extra = {}
    if cls is MyProfileOut:
        extra = {"email": p.email, "email_notifications": p.email_notifications}
    return cls(
        **base,
        bio=p.bio,
        manager=PersonOut.from_user(p.manager) if p.manager_id else None,
        skills=[s.name for s in p.skills.all()],
        joined_at=p.date_joined,
        is_active=p.is_active,
        followers_count=profile.followers_count,
        following_count=profile.following_count,
        followed_by_me=profile.viewer_follows,
        reports_count=profile.reports_count,
        **extra,
    )


def _people(page) -> PersonPage:
    return PersonPage(items=[PersonOut.from_user(u) for u in page.items], next_cursor=page.next_cursor)


@router.get("/people", response={200: PersonPage, **ERRORS}, summary="List people (the directory)")
def list_people(request, filters: Query[DirectoryFilters]):
    """Active people ordered by name. `q` matches name, username and title; `department` (a slug)
    includes sub-departments; `location` is exact; `skill` is a skill's slug or name."""
    page = queries.directory(
        request.auth,
        q=filters.q,
        department=filters.department or None,
        location=filters.location,
        skill=filters.skill,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return _people(page)


@router.get("/people/me", response={200: MyProfileOut, **ERRORS}, summary="My profile")
def get_me(request):
    return _profile_out(queries.profile(request.auth, request.auth.username), MyProfileOut)


@router.patch("/people/me", response={200: MyProfileOut, **ERRORS}, summary="Change my profile")
def patch_me(request, payload: ProfilePatch):
    """Only the fields sent change; unknown fields are refused (422)."""
    actions.update_profile(request.auth, request.auth, **payload.model_dump(exclude_unset=True))
    return _profile_out(queries.profile(request.auth, request.auth.username), MyProfileOut)


@router.get("/people/{username}", response={200: ProfileOut, **ERRORS}, summary="A person's profile")
def get_person(request, username: str):
    return _profile_out(queries.profile(request.auth, username))


@router.get(
    "/people/{username}/orgchart",
    response={200: OrgChartOut, **ERRORS},
    summary="A person's manager chain and direct reports",
)
def get_orgchart(request, username: str):
    chart = queries.org_chart(queries.person_by_username(username))
    return OrgChartOut(
        person=PersonOut.from_user(chart.person),
        chain=[PersonOut.from_user(u) for u in chart.chain],
        reports=[PersonOut.from_user(u) for u in chart.reports],
    )


@router.post(
    "/people/{username}/follow", response={201: FollowOut, 409: dict, **ERRORS}, summary="Follow a person"
)
def follow(request, username: str):
    person = queries.person_by_username(username)
    actions.follow_person(request.auth, person)
    return Status(201, FollowOut(following=True, followers_count=queries.followers_count(person)))


@router.delete(
    "/people/{username}/follow", response={204: None, 409: dict, **ERRORS}, summary="Stop following a person"
)
def unfollow(request, username: str):
    actions.unfollow_person(request.auth, queries.person_by_username(username))
    return Status(204, None)


@router.get(
    "/people/{username}/followers",
    response={200: PersonPage, **ERRORS},
    summary="People following this person",
)
def list_followers(request, username: str, params: Query[PageParams]):
    person = queries.person_by_username(username)
    return _people(queries.followers(request.auth, person, cursor=params.cursor, limit=params.limit))


@router.get(
    "/people/{username}/following", response={200: PersonPage, **ERRORS}, summary="People this person follows"
)
def list_following(request, username: str, params: Query[PageParams]):
    person = queries.person_by_username(username)
    return _people(queries.following(request.auth, person, cursor=params.cursor, limit=params.limit))


def _node_out(node: queries.DepartmentNode) -> DepartmentNodeOut:
    return DepartmentNodeOut(
        slug=node.slug,
        name=node.name,
        description=node.description,
        member_count=node.member_count,
        children=[_node_out(c) for c in node.children],
    )


@router.get(
    "/departments",
    response={200: list[DepartmentNodeOut], 401: dict},
    summary="The department tree",
    tags=["departments"],
)
def list_departments(request):
    """Root departments, each with its sub-departments; member counts exclude sub-departments."""
    return [_node_out(n) for n in queries.department_tree()]


@router.get(
    "/departments/{slug}",
    response={200: DepartmentOut, **ERRORS},
    summary="A department",
    tags=["departments"],
)
def get_department(request, slug: str):
    d = queries.department_detail(slug)
    dept = d.department
    return DepartmentOut(
        slug=dept.slug,
        name=dept.name,
        description=dept.description,
        parent=DepartmentRef(slug=dept.parent.slug, name=dept.parent.name) if dept.parent_id else None,
        children=[DepartmentRef(slug=c.slug, name=c.name) for c in d.children],
        member_count=d.member_count,
        direct_member_count=d.direct_member_count,
    )


@router.get(
    "/me/tokens",
    response={200: list[TokenOut], 401: dict},
    summary="My personal access tokens",
    tags=["tokens"],
)
def list_tokens(request):
    return queries.tokens_of(request.auth)


@router.post(
    "/me/tokens",
    response={201: NewTokenOut, 401: dict, 422: dict},
    summary="Create a personal access token",
    tags=["tokens"],
)
def create_token(request, payload: TokenIn):
    """The response holds the secret: it is shown this once and only its hash is stored."""
    token, secret = actions.create_api_token(request.auth, name=payload.name)
    return Status(
        201,
        NewTokenOut(
            id=token.pk,
            name=token.name,
            hint=token.hint,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            secret=secret,
        ),
    )


@router.delete(
    "/me/tokens/{token_id}",
    response={204: None, 401: dict, 404: dict},
    summary="Revoke a personal access token",
    tags=["tokens"],
)
def revoke_token(request, token_id: int):
    actions.revoke_api_token(request.auth, token_id)
    return Status(204, None)
