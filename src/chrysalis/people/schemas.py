"""JSON shapes of the people API. Input schemas forbid unknown fields (422)."""

from datetime import datetime

from django.urls import reverse
from ninja import Schema
from pydantic import ConfigDict, Field


class DepartmentRef(Schema):
    slug: str
    name: str


class PersonOut(Schema):
    username: str
    name: str
    title: str
    location: str
    department: DepartmentRef | None
    avatar_url: str | None
    profile_url: str

    @staticmethod
    def from_user(user) -> "PersonOut":
        dept = user.department
        return PersonOut(
            username=user.username,
            name=user.name,
            title=user.title,
            location=user.location,
            department=DepartmentRef(slug=dept.slug, name=dept.name) if dept else None,
            avatar_url=reverse("people:avatar", args=[user.username]) if user.avatar else None,
            profile_url=reverse("people:profile", args=[user.username]),
        )


class PersonPage(Schema):
    items: list[PersonOut]
    next_cursor: str | None


class ProfileOut(PersonOut):
    bio: str
    manager: PersonOut | None
    skills: list[str]
    joined_at: datetime
    is_active: bool
    followers_count: int
    following_count: int
    followed_by_me: bool
    reports_count: int


class MyProfileOut(ProfileOut):
    email: str
    email_notifications: bool


class ProfilePatch(Schema):
    """Only the fields sent change. `department` is a slug, `manager` a username; null clears them."""

    model_config = ConfigDict(extra="forbid")

    display_name: str | None = None
    title: str | None = None
    location: str | None = None
    bio: str | None = None
    department: str | None = None
    manager: str | None = None
    email_notifications: bool | None = None
    skills: list[str] | None = Field(default=None, max_length=200)


class OrgChartOut(Schema):
    person: PersonOut
    chain: list[PersonOut] = Field(description="Managers, the top of the organisation first")
    reports: list[PersonOut]


class FollowOut(Schema):
    following: bool
    followers_count: int


class DepartmentNodeOut(Schema):
    slug: str
    name: str
    description: str
    member_count: int
    children: list["DepartmentNodeOut"]


DepartmentNodeOut.model_rebuild()


class DepartmentOut(Schema):
    slug: str
    name: str
    description: str
    parent: DepartmentRef | None
    children: list[DepartmentRef]
    member_count: int = Field(description="Active members of the department and its sub-departments")
    direct_member_count: int


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str


class TokenOut(Schema):
    id: int
    name: str
    hint: str = Field(description="The last characters of the secret")
    created_at: datetime
    last_used_at: datetime | None


class NewTokenOut(TokenOut):
    secret: str = Field(description="Shown only once: store it now")
