"""people.actions and people.queries, called directly."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chrysalis.core.errors import Conflict, Forbidden, Invalid, NotFound
from chrysalis.notifications.models import Notification
from chrysalis.people import actions, queries
from chrysalis.people.models import ApiToken, Department, Follow, Skill, User
from chrysalis.testsupport.factories import make_department, make_person

pytestmark = pytest.mark.django_db


def image_file(fmt="PNG", size=(600, 400), name="me.png", color=(200, 30, 90)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format=fmt)
    return SimpleUploadedFile(name, buf.getvalue(), content_type=f"image/{fmt.lower()}")


def snapshot(user: User) -> tuple:
    user = User.objects.get(pk=user.pk)
    return (
        user.display_name,
        user.title,
        user.location,
        user.bio,
        user.department_id,
        user.manager_id,
        user.email_notifications,
        user.avatar.name,
        sorted(user.skills.values_list("name", flat=True)),
    )


# --- update_profile ----------------------------------------------------------------------------


def test_a_person_updates_their_profile_and_the_search_index_is_told_on_commit(
    alice, indexed, django_capture_on_commit_callbacks
):
    eng = make_department("Engineering")
    boss = make_person("boss")
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_profile(
            alice,
            alice,
            display_name="  Alice   M. ",
            title="Principal",
            location="Lyon",
            bio="Line one\r\nLine two",
            department=eng.slug,
            manager="boss",
            email_notifications=False,
            skills="Rust, rust , SQL",
        )
    alice.refresh_from_db()
    assert (alice.display_name, alice.title, alice.location, alice.bio) == (
        "Alice M.",
        "Principal",
        "Lyon",
        "Line one\nLine two",
    )
    assert (alice.department, alice.manager, alice.email_notifications) == (eng, boss, False)
    assert sorted(alice.skills.values_list("name", flat=True)) == ["Rust", "SQL"]
    assert indexed == [alice.pk]


def test_only_the_fields_given_change(alice):
    eng = make_department("Engineering")
    actions.update_profile(alice, alice, department=eng)
    actions.update_profile(alice, alice, title="CTO")
    alice.refresh_from_db()
    assert (alice.title, alice.department, alice.display_name) == ("CTO", eng, "Alice Martin")
    actions.update_profile(alice, alice, department=None)
    alice.refresh_from_db()
    assert alice.department is None


def test_someone_else_cannot_edit_a_profile_but_staff_can(alice):
    bob = make_person("bob")
    before = snapshot(alice)
    with pytest.raises(Forbidden):
        actions.update_profile(bob, alice, title="Hacked")
    assert snapshot(alice) == before
    admin = make_person("admin", is_staff=True)
    actions.update_profile(admin, alice, title="Fixed by HR")
    assert User.objects.get(pk=alice.pk).title == "Fixed by HR"


def test_html_in_names_and_bios_is_kept_as_text(alice):
    actions.update_profile(
        alice, alice, display_name="<b>Al</b><script>x()</script>", bio='<img src=x onerror="alert(1)">'
    )
    alice.refresh_from_db()
    assert alice.display_name == "<b>Al</b><script>x()</script>"
    assert alice.bio == '<img src=x onerror="alert(1)">'


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"bio": "x" * 4001}, "bio", "Bio is too long (4001 characters; at most 4000)."),
        ({"display_name": "   "}, "display_name", "Name cannot be empty."),
        ({"title": "t" * 151}, "title", "Title is too long (151 characters; at most 150)."),
        ({"department": "nowhere"}, "department", "There is no department 'nowhere'."),
        ({"manager": "ghost"}, "manager", "There is nobody with the username 'ghost'."),
        ({"manager": "alice"}, "manager", "A person cannot be their own manager."),
        ({"email_notifications": "yes"}, "email_notifications", "E-mail notifications must be on or off."),
        ({"skills": ["ok", "s" * 81]}, "skills", "A skill is too long (81 characters; at most 80)."),
        (
            {"skills": [f"skill {i}" for i in range(31)]},
            "skills",
            "You can list at most 30 skills (31 given).",
        ),
        ({"title": "ok", "bio": "b" * 5000}, "bio", "Bio is too long (5000 characters; at most 4000)."),
    ],
)
def test_bad_profile_input_is_refused_and_changes_nothing(
    alice, indexed, fields, field, message, django_capture_on_commit_callbacks
):
    actions.set_skills(alice, ["Python"])
    before = snapshot(alice)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Invalid) as err:
        actions.update_profile(alice, alice, **fields)
    assert (err.value.field, err.value.message) == (field, message)
    assert snapshot(alice) == before
    assert Skill.objects.count() == 1
    assert indexed == []


def test_a_manager_cycle_is_refused(alice):
    bob = make_person("bob", display_name="Bob")
    carol = make_person("carol", display_name="Carol")
    actions.update_profile(bob, bob, manager=alice)
    actions.update_profile(carol, carol, manager=bob)
    with pytest.raises(Invalid) as err:
        actions.update_profile(alice, alice, manager="carol")
    assert (
        err.value.message
        == "Carol reports (directly or indirectly) to Alice Martin, so they cannot also be their manager."
    )
    assert User.objects.get(pk=alice.pk).manager_id is None


def test_a_deactivated_manager_is_refused(alice):
    make_person("gone", display_name="Gone", is_active=False)
    with pytest.raises(Invalid, match="deactivated"):
        actions.update_profile(alice, alice, manager="gone")
    assert User.objects.get(pk=alice.pk).manager_id is None


# --- skills ------------------------------------------------------------------------------------


def test_skills_are_shared_rows_matched_case_insensitively(
    alice, indexed, django_capture_on_commit_callbacks
):
    bob = make_person("bob")
    with django_capture_on_commit_callbacks(execute=True):
        actions.set_skills(alice, ["PostgreSQL", "Negotiation"])
        actions.set_skills(bob, ["postgresql", "  C++  ", ""])
    assert Skill.objects.count() == 3
    assert sorted(bob.skills.values_list("name", flat=True)) == ["C++", "PostgreSQL"]
    assert indexed == [alice.pk, bob.pk]
    actions.set_skills(alice, [])
    assert alice.skills.count() == 0


# --- avatars -----------------------------------------------------------------------------------


def test_an_avatar_is_reencoded_to_a_256px_square(alice, settings):
    actions.set_avatar(alice, alice, image_file("JPEG", (1200, 800), "me.jpg"))
    alice.refresh_from_db()
    assert alice.avatar.name.startswith("avatars/") and alice.avatar.name.endswith(".webp")
    path = settings.MEDIA_ROOT / alice.avatar.name
    with Image.open(path) as img:
        assert (img.format, img.size) == ("WEBP", (256, 256))


@pytest.mark.parametrize("fmt", ["PNG", "GIF", "WEBP"])
def test_png_gif_and_webp_avatars_are_accepted(alice, fmt):
    actions.set_avatar(alice, alice, image_file(fmt, (64, 64), f"me.{fmt.lower()}"))
    assert User.objects.get(pk=alice.pk).avatar.name.endswith(".webp")


def test_a_new_avatar_replaces_the_old_file(alice, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.set_avatar(alice, alice, image_file())
    first = settings.MEDIA_ROOT / User.objects.get(pk=alice.pk).avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        actions.set_avatar(alice, alice, image_file(color=(0, 0, 0)))
    assert not first.exists()
    with django_capture_on_commit_callbacks(execute=True):
        actions.remove_avatar(alice, alice)
    assert User.objects.get(pk=alice.pk).avatar.name == ""
    assert list((settings.MEDIA_ROOT / "avatars").iterdir()) == []


def _bmp() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buf, format="BMP")
    return SimpleUploadedFile("me.bmp", buf.getvalue(), content_type="image/bmp")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: SimpleUploadedFile("me.png", b"<script>alert(1)</script>", content_type="image/png"),
            "This file is not a PNG, JPEG, WebP or GIF image.",
        ),
        (
            lambda: SimpleUploadedFile("me.png", image_file().read()[:60], content_type="image/png"),
            "This file is not a PNG, JPEG, WebP or GIF image.",
        ),
        (_bmp, "This file is not a PNG, JPEG, WebP or GIF image."),
        (
            lambda: SimpleUploadedFile("me.png", b"", content_type="image/png"),
            "The file is empty; choose a PNG, JPEG, WebP or GIF image.",
        ),
        (
            lambda: SimpleUploadedFile(
                "big.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024), content_type="image/png"
            ),
            "The image is too large (2.0 MB); the limit is 2 MB.",
        ),
        (lambda: None, "Choose an image file to upload."),
    ],
)
def test_bad_avatar_files_are_refused_and_nothing_is_stored(alice, settings, upload, message):
    before = snapshot(alice)
    with pytest.raises(Invalid) as err:
        actions.set_avatar(alice, alice, upload())
    assert (err.value.field, err.value.message) == ("avatar", message)
    assert snapshot(alice) == before
    assert not (settings.MEDIA_ROOT / "avatars").exists()


def test_nobody_sets_someone_elses_avatar(alice):
    with pytest.raises(Forbidden):
        actions.set_avatar(make_person("bob"), alice, image_file())
    assert User.objects.get(pk=alice.pk).avatar.name == ""


# --- follows -----------------------------------------------------------------------------------


def test_following_notifies_the_followee(alice, django_capture_on_commit_callbacks):
    bob = make_person("bob")
    with django_capture_on_commit_callbacks(execute=True):
        actions.follow_person(bob, alice)
    assert list(Follow.objects.values_list("follower__username", "followee__username")) == [("bob", "alice")]
    assert list(Notification.objects.values_list("recipient__username", "actor__username", "verb")) == [
        ("alice", "bob", "follow")
    ]


def test_following_twice_self_or_a_deactivated_person_is_refused(alice, django_capture_on_commit_callbacks):
    bob = make_person("bob")
    gone = make_person("gone", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        actions.follow_person(bob, alice)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Conflict, match="You already follow Alice Martin."):
            actions.follow_person(bob, alice)
        with pytest.raises(Invalid, match="You cannot follow yourself."):
            actions.follow_person(alice, alice)
        with pytest.raises(Invalid, match="deactivated"):
            actions.follow_person(alice, gone)
    assert Follow.objects.count() == 1
    assert Notification.objects.count() == 1


def test_unfollowing(alice):
    bob = make_person("bob")
    actions.follow_person(bob, alice)
    actions.unfollow_person(bob, alice)
    assert Follow.objects.count() == 0
    with pytest.raises(Conflict, match="You do not follow Alice Martin."):
        actions.unfollow_person(bob, alice)


# --- tokens, departments -----------------------------------------------------------------------


def test_an_api_token_stores_only_a_hash(alice):
    token, secret = actions.create_api_token(alice, name="  CI  ")
    assert secret.startswith("chr_") and len(secret) > 40
    stored = ApiToken.objects.get()
    assert (stored.name, stored.key_hash, stored.hint) == ("CI", ApiToken.hash(secret), secret[-4:])
    assert secret not in str(ApiToken.objects.values().get())
    assert queries.user_for_token(secret) == alice
    with pytest.raises(Invalid, match="Token name cannot be empty."):
        actions.create_api_token(alice, name=" ")
    assert ApiToken.objects.count() == 1


def test_only_the_owner_revokes_a_token(alice):
    token, secret = actions.create_api_token(alice, name="CI")
    with pytest.raises(NotFound):
        actions.revoke_api_token(make_person("bob"), token.pk)
    assert queries.user_for_token(secret) == alice
    actions.revoke_api_token(alice, token.pk)
    assert queries.user_for_token(secret) is None


def test_only_staff_create_departments(alice):
    with pytest.raises(Forbidden):
        actions.create_department(alice, name="Shadow IT")
    admin = make_person("admin", is_staff=True)
    eng = actions.create_department(admin, name="Engineering", description="Builds")
    plat = actions.create_department(admin, name="Platform", parent=eng.slug)
    assert (plat.parent, plat.slug, eng.slug) == (eng, "platform", "engineering")
    with pytest.raises(Conflict):
        actions.create_department(admin, name="platform", parent=eng)
    with pytest.raises(Invalid, match="There is no department 'nope'."):
        actions.create_department(admin, name="X", parent="nope")
    assert Department.objects.count() == 2


# --- queries -----------------------------------------------------------------------------------


def test_the_directory_filters_and_pages_by_name(alice):
    eng = make_department("Engineering")
    plat = make_department("Platform", parent=eng)
    sales = make_department("Sales")
    bob = make_person("bob", display_name="bob Stone", title="SRE", department=plat, location="Berlin")
    make_person("carl", display_name="Carl Jones", title="Engineer", department=eng, location="paris")
    make_person("dora", display_name="Dora Sales", department=sales, location="Paris")
    make_person("gone", display_name="Aaron Gone", is_active=False)
    actions.set_skills(bob, ["Kubernetes"])

    def names(**kw):
        return [u.username for u in queries.directory(alice, **kw).items]

    assert names() == ["alice", "bob", "carl", "dora"]
    assert names(q="sre") == ["bob"]
    assert names(q="DORA sal") == ["dora"]
    assert names(department=eng.slug) == ["bob", "carl"]
    assert names(department=plat) == ["bob"]
    assert names(location="PARIS") == ["alice", "carl", "dora"]
    assert names(skill="kubernetes") == ["bob"]
    assert names(skill="Kubernetes", location="Paris") == []
    with pytest.raises(NotFound):
        queries.directory(alice, department="nope")

    first = queries.directory(alice, limit=3)
    assert [u.username for u in first.items] == ["alice", "bob", "carl"]
    second = queries.directory(alice, limit=3, cursor=first.next_cursor)
    assert ([u.username for u in second.items], second.next_cursor) == (["dora"], None)
    with pytest.raises(Invalid, match="cursor"):
        queries.directory(alice, cursor="garbage!")
    with pytest.raises(Invalid):
        queries.directory(alice, limit=0)


def test_the_org_chart_is_the_manager_chain_top_first_and_the_reports(alice):
    ceo = make_person("ceo")
    cto = make_person("cto", manager=ceo)
    actions.update_profile(alice, alice, manager=cto)
    r1 = make_person("r1", display_name="Zed", manager=alice)
    make_person("r2", display_name="Amy", manager=alice)
    make_person("r3", display_name="Gone", manager=alice, is_active=False)
    make_person("r1a", manager=r1)
    chart = queries.org_chart(alice)
    assert [u.username for u in chart.chain] == ["ceo", "cto"]
    assert [(u.username, u.n_reports) for u in chart.reports] == [("r2", 0), ("r1", 1)]
    assert queries.org_chart(ceo).chain == []


def test_profile_counts_and_whether_the_viewer_follows(alice):
    bob, carl = make_person("bob"), make_person("carl")
    actions.follow_person(bob, alice)
    actions.follow_person(carl, alice)
    actions.follow_person(alice, bob)
    p = queries.profile(bob, "alice")
    assert (p.followers_count, p.following_count, p.viewer_follows, p.is_self) == (2, 1, True, False)
    p = queries.profile(alice, "alice")
    assert (p.viewer_follows, p.is_self) == (False, True)
    with pytest.raises(NotFound):
        queries.profile(alice, "nobody")


def test_department_tree_and_filter_menus(alice):
    eng = make_department("Engineering")
    plat = make_department("Platform", parent=eng)
    make_department("Finance")
    make_person("bob", department=plat, location="Berlin")
    actions.update_profile(alice, alice, department=eng, skills=["Go"])
    make_person("gone", department=plat, location="Nowhere", is_active=False)
    tree = queries.department_tree()
    assert [
        (n.name, n.member_count, [(c.name, c.member_count, c.depth) for c in n.children]) for n in tree
    ] == [("Engineering", 1, [("Platform", 1, 1)]), ("Finance", 0, [])]
    assert [n.name for n in queries.flatten_tree(tree)] == ["Engineering", "Platform", "Finance"]
    detail = queries.department_detail(eng.slug)
    assert (detail.member_count, detail.direct_member_count, detail.children) == (2, 1, [plat])
    assert queries.locations() == ["Berlin", "Paris"]
    assert [s.name for s in queries.skills_in_use()] == ["Go"]
