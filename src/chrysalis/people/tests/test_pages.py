"""The people pages through the test client, with and without htmx."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chrysalis.people import actions
from chrysalis.people.models import ApiToken, Follow, User
from chrysalis.testsupport.factories import make_department, make_person

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


def png(size=(300, 300)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buf, format="PNG")
    return SimpleUploadedFile("me.png", buf.getvalue(), content_type="image/png")


# --- directory ---------------------------------------------------------------------------------


def test_the_directory_page_lists_people_with_filters_and_a_live_search_form(signed_in):
    eng = make_department("Engineering")
    bob = make_person("bob", display_name="Bob Stone", title="SRE", department=eng, location="Berlin")
    actions.set_skills(bob, ["Kubernetes"])
    r = signed_in.get("/people/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "<html" in html and "Alice Martin" in html and "Bob Stone" in html
    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert 'hx-target="#results"' in html and 'method="get"' in html
    assert f'<option value="{eng.slug}"' in html and '<option value="Berlin"' in html
    assert '<option value="kubernetes"' in html


def test_htmx_gets_only_the_results(signed_in):
    make_person("bob", display_name="Bob Stone", title="SRE")
    r = signed_in.get("/people/?q=sre", headers=HX)
    html = r.content.decode()
    assert r.status_code == 200
    assert "<html" not in html and "<form" not in html
    assert "Bob Stone" in html and "Alice Martin" not in html


def test_nobody_matching_says_so(signed_in):
    r = signed_in.get("/people/?q=zzzz")
    assert "Nobody matches." in r.content.decode()


def test_more_people_load_below_with_htmx_and_as_a_plain_next_page(signed_in):
    for i in range(25):
        make_person(f"p{i:02d}", display_name=f"Person {i:02d}")
    first = signed_in.get("/people/").content.decode()
    assert first.count('class="card person-card"') == 20
    assert "More people" in first
    cursor = first.split("cursor=")[1].split('"')[0]
    more = signed_in.get(f"/people/?cursor={cursor}", headers=HX).content.decode()
    assert more.count('class="card person-card"') == 6
    assert 'id="people-more" class="more" hx-swap-oob="true"' in more and "That is everyone." in more
    plain = signed_in.get(f"/people/?cursor={cursor}")
    assert plain.status_code == 200 and "<html" in plain.content.decode()


def test_a_bad_cursor_is_a_message_not_a_crash(signed_in):
    r = signed_in.get("/people/?cursor=%%%")
    assert r.status_code == 200
    assert "The page cursor is not valid; start again from the first page." in r.content.decode()


def _directory_queries(client, django_assert_num_queries, n):
    for i in range(n):
        p = make_person(f"q{n}_{i}", department=make_department(f"D{n}{i}"), location=f"City {i}")
        actions.set_skills(p, [f"skill {i}", "common"])
    with django_assert_num_queries(9) as ctx:
        r = client.get("/people/")
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_the_directory_page_costs_the_same_queries_for_5_and_25_people(signed_in, django_assert_num_queries):
    # session, user, unread count, departments, member counts, locations, skills, people, their skills
    assert _directory_queries(signed_in, django_assert_num_queries, 5) == 9
    User.objects.exclude(username="alice").delete()
    assert _directory_queries(signed_in, django_assert_num_queries, 25) == 9


def test_pages_need_a_signed_in_person(client, alice):
    for url in [
        "/people/",
        "/people/alice/",
        "/people/alice/orgchart/",
        "/people/settings/",
        "/people/alice/avatar",
    ]:
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/signin/"), url


# --- profile -----------------------------------------------------------------------------------


def test_a_profile_shows_the_person_and_embeds_their_posts(signed_in, alice):
    eng = make_department("Engineering")
    boss = make_person("boss", display_name="Big Boss")
    bob = make_person(
        "bob",
        display_name="Bob Stone",
        title="SRE",
        department=eng,
        manager=boss,
        location="Berlin",
        bio="Hello there",
    )
    actions.set_skills(bob, ["Kubernetes"])
    actions.follow_person(boss, bob)
    html = signed_in.get("/people/bob/").content.decode()
    assert "Bob Stone" in html and "@bob · SRE" in html and "Hello there" in html
    assert 'href="/people/boss/">Big Boss</a>' in html
    assert ">Kubernetes</a>" in html and 'href="/people/bob/orgchart/"' in html
    assert '<strong id="followers-count">1</strong> follower' in html
    assert 'action="/people/bob/follow/"' in html and ">Follow<" in html
    assert 'id="feed"' in html and 'hx-trigger="load"' in html


def test_names_and_bios_with_html_are_escaped_on_the_profile_page(signed_in, alice):
    actions.update_profile(
        alice,
        alice,
        display_name='<script>alert("n")</script>',
        bio='<img src=x onerror="alert(1)"><script>alert(2)</script>',
    )
    html = signed_in.get("/people/alice/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;n&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    directory = signed_in.get("/people/").content.decode()
    assert "<script>alert" not in directory and "&lt;script&gt;" in directory


def test_a_profile_with_htmx_is_the_main_part_only(signed_in):
    make_person("bob", display_name="Bob Stone")
    r = signed_in.get("/people/bob/", headers=HX)
    html = r.content.decode()
    assert r.status_code == 200 and "<html" not in html and "Bob Stone" in html


def test_an_unknown_person_is_404(signed_in):
    assert signed_in.get("/people/nobody/").status_code == 404
    assert signed_in.get("/people/nobody/orgchart/").status_code == 404
    assert signed_in.post("/people/nobody/follow/").status_code == 404


def test_follow_and_unfollow_without_javascript(signed_in, alice):
    bob = make_person("bob", display_name="Bob Stone")
    r = signed_in.post("/people/bob/follow/", {"action": "follow"})
    assert (r.status_code, r["Location"]) == (302, "/people/bob/")
    assert Follow.objects.filter(follower=alice, followee=bob).exists()
    again = signed_in.post("/people/bob/follow/", {"action": "follow"}, follow=True)
    assert "You already follow Bob Stone." in again.content.decode()
    assert Follow.objects.count() == 1
    signed_in.post("/people/bob/follow/", {"action": "unfollow"})
    assert Follow.objects.count() == 0


def test_the_follow_button_swaps_itself_with_htmx(signed_in, alice):
    make_person("bob", display_name="Bob Stone")
    r = signed_in.post("/people/bob/follow/", {"action": "follow"}, headers=HX)
    html = r.content.decode()
    assert r.status_code == 200 and "<html" not in html
    assert html.count('id="follow-form"') == 1 and ">Following<" in html
    assert '<strong id="followers-count" hx-swap-oob="true">1</strong>' in html
    r = signed_in.post("/people/bob/follow/", {"action": "unfollow"}, headers=HX)
    assert ">Follow<" in r.content.decode() and Follow.objects.count() == 0


def test_my_own_profile_offers_edit_not_follow(signed_in):
    html = signed_in.get("/people/alice/").content.decode()
    assert 'href="/people/settings/">Edit profile</a>' in html and "follow-form" not in html
    r = signed_in.post("/people/alice/follow/", {"action": "follow"}, follow=True)
    assert "You cannot follow yourself." in r.content.decode()
    assert Follow.objects.count() == 0


# --- org chart ---------------------------------------------------------------------------------


def test_the_org_chart_shows_the_chain_then_the_reports(signed_in, alice):
    ceo = make_person("ceo", display_name="Clara Chief")
    actions.update_profile(alice, alice, manager=ceo)
    bob = make_person("bob", display_name="Bob Stone", manager=alice)
    make_person("lee", display_name="Lee Report", manager=bob)
    html = signed_in.get("/people/alice/orgchart/").content.decode()
    assert (
        html.index("Clara Chief")
        < html.index("Alice Martin", html.index("Clara Chief"))
        < html.index("Bob Stone")
    )
    assert 'hx-get="/people/bob/reports/"' in html and "1 report" in html
    assert "Lee Report" not in html
    part = signed_in.get("/people/bob/reports/", headers=HX).content.decode()
    assert "<html" not in part and "Lee Report" in part
    assert signed_in.get("/people/bob/reports/")["Location"] == "/people/bob/orgchart/"
    assert "<html" not in signed_in.get("/people/alice/orgchart/", headers=HX).content.decode()


# --- settings ----------------------------------------------------------------------------------


def test_settings_save_the_profile(signed_in, alice):
    eng = make_department("Engineering")
    make_person("boss")
    r = signed_in.post(
        "/people/settings/",
        {
            "display_name": "Alice M",
            "title": "CTO",
            "location": "Lyon",
            "bio": "Hi",
            "department": eng.slug,
            "manager": "boss",
            "skills": "Go, SQL",
            "email_notifications": "on",
        },
    )
    assert (r.status_code, r["Location"]) == (302, "/people/settings/")
    alice.refresh_from_db()
    assert (alice.display_name, alice.title, alice.department, alice.manager.username) == (
        "Alice M",
        "CTO",
        eng,
        "boss",
    )
    assert sorted(alice.skills.values_list("name", flat=True)) == ["Go", "SQL"]
    html = signed_in.get("/people/settings/").content.decode()
    assert 'value="Go, SQL"' in html and "Your profile is saved." in html
    signed_in.post("/people/settings/", {"display_name": "Alice M", "skills": ""})
    alice.refresh_from_db()
    assert alice.email_notifications is False and alice.department is None


def test_settings_refuse_bad_input_with_a_message_and_keep_what_was_typed(signed_in, alice):
    bob = make_person("bob", manager=alice)
    r = signed_in.post(
        "/people/settings/", {"display_name": "Changed", "manager": bob.username, "bio": "typed bio"}
    )
    html = r.content.decode()
    assert r.status_code == 422
    assert "reports (directly or indirectly) to" in html and 'aria-invalid="true"' in html
    assert "typed bio" in html and 'value="Changed"' in html
    alice.refresh_from_db()
    assert (alice.display_name, alice.manager, alice.bio) == ("Alice Martin", None, "")
    r = signed_in.post("/people/settings/", {"display_name": "Alice", "bio": "x" * 4001})
    assert r.status_code == 422 and "Bio is too long" in r.content.decode()


def test_settings_page_with_htmx_is_the_main_part(signed_in):
    r = signed_in.get("/people/settings/", headers=HX)
    assert (
        r.status_code == 200
        and "<html" not in r.content.decode()
        and "Personal access tokens" in r.content.decode()
    )


def test_manager_suggestions(signed_in):
    make_person("bob", display_name="Bob Stone", title="SRE")
    html = signed_in.get("/people/suggest/?manager=bob", headers=HX).content.decode()
    assert html == '<option value="bob">Bob Stone · SRE</option>'


def test_avatar_upload_serve_and_remove(signed_in, alice, client):
    r = signed_in.post("/people/settings/avatar/", {"avatar": png()})
    assert r.status_code == 302
    alice.refresh_from_db()
    assert alice.avatar.name
    img = signed_in.get("/people/alice/avatar")
    assert (img.status_code, img["Content-Type"]) == (200, "image/webp")
    assert b"".join(img.streaming_content)[:4] == b"RIFF"
    assert 'src="/people/alice/avatar"' in signed_in.get("/people/alice/").content.decode()
    signed_in.post("/people/settings/avatar/", {"action": "remove"})
    assert User.objects.get(pk=alice.pk).avatar.name == ""
    assert signed_in.get("/people/alice/avatar").status_code == 404


def test_a_bad_avatar_upload_shows_a_message(signed_in, alice):
    bad = SimpleUploadedFile("evil.png", b"GIF89a<script>", content_type="image/png")
    r = signed_in.post("/people/settings/avatar/", {"avatar": bad})
    assert r.status_code == 422
    assert "This file is not a PNG, JPEG, WebP or GIF image." in r.content.decode()
    assert User.objects.get(pk=alice.pk).avatar.name == ""


def test_a_token_secret_is_shown_once_then_only_its_hint(signed_in, alice):
    r = signed_in.post("/people/settings/tokens/", {"name": "Reporting"})
    html = r.content.decode()
    token = ApiToken.objects.get()
    secret = html.split('id="new-secret" class="mono" type="text" readonly value="')[1].split('"')[0]
    assert ApiToken.hash(secret) == token.key_hash and "it will not be shown again" in html
    later = signed_in.get("/people/settings/").content.decode()
    assert secret not in later and f"…{token.hint}" in later and "Never" in later
    r = signed_in.post("/people/settings/tokens/", {"name": "Another"}, headers=HX)
    part = r.content.decode()
    assert "<html" not in part and 'id="new-secret"' in part and part.count("<tr>") == 3


def test_a_nameless_token_is_refused(signed_in):
    r = signed_in.post("/people/settings/tokens/", {"name": "  "})
    assert r.status_code == 422 and "Token name cannot be empty." in r.content.decode()
    assert ApiToken.objects.count() == 0


def test_revoking_a_token_from_settings(signed_in, alice):
    token, _ = actions.create_api_token(alice, name="Old")
    other, _ = actions.create_api_token(make_person("bob"), name="Bob's")
    assert signed_in.post(f"/people/settings/tokens/{other.pk}/revoke/").status_code == 404
    r = signed_in.post(f"/people/settings/tokens/{token.pk}/revoke/")
    assert r.status_code == 302
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["Bob's"]
