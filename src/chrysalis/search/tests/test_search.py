"""Search: ranking, snippets, access inside the query (results, counts, snippets), removal,
hostile input; through search.queries, the page and the API. Runs on SQLite (FTS5) and on
PostgreSQL (tsvector) alike."""

import re

import pytest
from django.urls import reverse

from chrysalis.posts.actions import add_comment, create_post, delete_comment, delete_post, edit_post
from chrysalis.search import indexing
from chrysalis.search.models import SearchDocument
from chrysalis.search.queries import search, terms_of
from chrysalis.spaces.actions import _add_member, leave_space, update_space
from chrysalis.testsupport.factories import api_headers, make_person

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def kinds_ids(results) -> list[tuple[str, int]]:
    return [(h.kind, h.doc.object_id) for h in results.hits]


@pytest.fixture
def content(owner, spaces, indexed):
    """One zebra post and one zebra comment in each kind of space, and on the company feed."""
    made = {}
    with indexed():
        for key in ("open", "private", "secret"):
            p = create_post(owner, body=f"The {key} zebra migration report", space=spaces[key])
            c = add_comment(owner, p, body=f"A {key} zebra comment")
            made[key] = (p, c)
        p = create_post(owner, body="Company zebra announcement")
        made["company"] = (p, add_comment(owner, p, body="company zebra comment"))
    return made


def test_a_non_member_never_sees_private_or_secret_content(viewer, content):
    results = search(viewer, "zebra")
    got = set(kinds_ids(results))
    expected = {
        (kind, obj.pk)
        for key in ("open", "company")
        for kind, obj in zip(("post", "comment"), content[key], strict=True)
    }
    assert got == expected
    assert results.counts == {"post": 2, "comment": 2, "person": 0, "space": 0}
    assert results.total == 4
    assert not any("private" in h.snippet_html or "secret" in h.snippet_html for h in results.hits)


def test_members_see_their_spaces_content(viewer, owner, spaces, content):
    _add_member(spaces["private"], viewer)
    assert search(viewer, "zebra").counts["post"] == 3
    assert search(owner, "zebra").counts == {"post": 4, "comment": 4, "person": 0, "space": 0}


def test_leaving_a_space_takes_its_content_out_of_results(viewer, spaces, content):
    _add_member(spaces["private"], viewer)
    assert search(viewer, "zebra").counts["post"] == 3
    leave_space(viewer, spaces["private"])
    assert search(viewer, "zebra").counts["post"] == 2


def test_making_a_space_private_hides_its_content_at_once(viewer, owner, spaces, content, indexed):
    with indexed():
        update_space(owner, spaces["open"], visibility="private")
    assert search(viewer, "zebra").counts == {"post": 1, "comment": 1, "person": 0, "space": 0}


def test_secret_spaces_are_unknown_to_non_members_private_ones_are_listed(viewer, owner, spaces):
    assert [h.doc.ref for h in search(viewer, "board").hits] == [spaces["private"].slug]
    assert search(viewer, "skunkworks").total == 0
    assert [h.doc.ref for h in search(owner, "skunkworks").hits] == [spaces["secret"].slug]
    _add_member(spaces["secret"], viewer)
    assert search(viewer, "skunkworks").counts["space"] == 1


def test_removed_posts_and_comments_leave_the_index(owner, viewer, content, indexed):
    post, comment = content["company"]
    with indexed():
        delete_comment(owner, content["open"][1])
    assert ("comment", content["open"][1].pk) not in kinds_ids(search(viewer, "zebra"))
    with indexed():
        delete_post(owner, post)
    got = kinds_ids(search(viewer, "zebra"))
    assert ("post", post.pk) not in got and ("comment", comment.pk) not in got
    assert not SearchDocument.objects.filter(post_id=post.pk).exists()
    # a removed post whose unindexing has not run yet is still never returned
    p2, _ = content["open"]
    type(p2).objects.filter(pk=p2.pk).update(removed_at=p2.created_at)
    assert search(viewer, "zebra").total == 0


def test_edits_are_reindexed(owner, viewer, content, indexed):
    post, _ = content["company"]
    with indexed():
        edit_post(owner, post, body="Now about giraffes")
    assert kinds_ids(search(viewer, "giraffes")) == [("post", post.pk)]
    assert ("post", post.pk) not in kinds_ids(search(viewer, "zebra"))


def test_title_matches_rank_above_body_matches(owner, viewer, indexed):
    with indexed():
        body_only = create_post(owner, body="We talked about kubernetes once, among many other things today.")
        titled = create_post(owner, title="Kubernetes upgrade plan", body="Steps for the cluster.")
        create_post(owner, body="Nothing relevant here.")
    assert kinds_ids(search(viewer, "kubernetes")) == [("post", titled.pk), ("post", body_only.pk)]


def test_all_words_must_match_and_the_last_one_is_a_prefix(owner, viewer, indexed):
    with indexed():
        a = create_post(owner, body="Deployment pipeline for payments")
        create_post(owner, body="Deployment of the website")
    assert kinds_ids(search(viewer, "deployment payments")) == [("post", a.pk)]
    assert kinds_ids(search(viewer, "pipeline paym")) == [("post", a.pk)]


def test_snippets_are_escaped_and_marked(owner, viewer, indexed):
    with indexed():
        create_post(
            owner, title="<b>Bold</b> & zebra", body="Use `a < b` && <script>alert(1)</script> zebra here"
        )
    hit = search(viewer, "zebra").hits[0]
    assert "<mark>zebra</mark>" in hit.snippet_html and "<mark>zebra</mark>" in hit.title_html
    tags = set(re.findall(r"</?([a-z]+)", hit.snippet_html + hit.title_html))
    assert tags == {"mark"}
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp;" in hit.title_html


def test_people_search_finds_active_people_by_name_title_and_skill(viewer, indexed):
    from chrysalis.people.actions import set_skills, update_profile

    with indexed():
        ada = make_person("ada", display_name="Ada Lovelace")
        update_profile(ada, ada, title="Principal Engineer")
        set_skills(ada, ["Analytical engines"])
        indexing.index_person(ada.pk)
        gone = make_person("gone", display_name="Ada Gone")
        indexing.index_person(gone.pk)
    assert [h.doc.ref for h in search(viewer, "lovelace").hits] == ["ada"]
    assert search(viewer, "principal").counts["person"] == 1
    assert search(viewer, "analytical").counts["person"] == 1
    gone.is_active = False
    gone.save()
    assert [h.doc.ref for h in search(viewer, "ada").hits] == ["ada"]
    indexing.index_person(gone.pk)
    assert not SearchDocument.objects.filter(kind="person", object_id=gone.pk).exists()


HOSTILE = [
    '"',
    '""',
    "AND OR",
    "(",
    ")",
    "*",
    "NEAR",
    "zebra NEAR/2 report",
    "zebra AND (",
    "-zebra",
    "^zebra",
    "title:zebra",
    "zebra*",
    "' OR 1=1 --",
    "\\",
    "😀 zebra",
    "a" * 5000,
    "zebra " * 500,
    "\x00zebra",
    "&lt;mark&gt;",
    "{zebra}",
    "col:(a OR b)",
    ":*",
    "!zebra",
    "zebra:*",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_fail(viewer, content, client, q):
    results = search(viewer, q)
    assert results.total >= 0
    words = terms_of(q)
    if words and {w.lower() for w in words} == {"zebra"}:
        assert results.counts["post"] == 2  # operators and punctuation are read as nothing
    client.force_login(viewer)
    assert client.get(reverse("search"), {"q": q}).status_code == 200
    assert client.get(reverse("search"), {"q": q}, headers=HTMX).status_code == 200
    assert client.get("/api/v1/search", {"q": q}, headers=api_headers(viewer)).status_code == 200


def test_counts_per_kind_and_kind_filter(viewer, owner, spaces, content, indexed):
    with indexed():
        update_space(owner, spaces["open"], description="Where the zebra lives")
    results = search(viewer, "zebra", kind="space")
    assert results.counts == {"post": 2, "comment": 2, "person": 0, "space": 1}
    assert kinds_ids(results) == [("space", spaces["open"].pk)]


def test_paging_with_offsets(owner, viewer, indexed):
    with indexed():
        made = [create_post(owner, body=f"llama note {i}") for i in range(7)]
    first = search(viewer, "llama", limit=3)
    second = search(viewer, "llama", offset=3, limit=3)
    third = search(viewer, "llama", offset=6, limit=3)
    ids = [h.doc.object_id for r in (first, second, third) for h in r.hits]
    assert sorted(ids) == sorted(p.pk for p in made)
    assert (first.next_offset, second.next_offset, third.next_offset) == (3, 6, None)


def test_rebuild_index_rebuilds_everything_and_keeps_access(viewer, owner, content):
    SearchDocument.objects.all().delete()
    assert search(viewer, "zebra").total == 0
    counts = indexing.rebuild_index()
    people = type(owner).objects.filter(is_active=True).count()
    assert counts == {"post": 4, "comment": 4, "person": people, "space": 3}
    results = search(viewer, "zebra")
    assert results.counts == {"post": 2, "comment": 2, "person": 0, "space": 0}
    # the incremental path still works after a rebuild
    indexing.unindex("post", content["company"][0].pk)
    assert search(viewer, "zebra").counts == {"post": 1, "comment": 1, "person": 0, "space": 0}
    assert indexing.rebuild_index(progress=False)["post"] == 4


def test_unindex_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        indexing.unindex("planet", 1)


# --- page and API ---------------------------------------------------------------------------


def test_search_page_renders_tabs_counts_and_links(client, viewer, owner, spaces, content):
    client.force_login(viewer)
    html = client.get(reverse("search"), {"q": "zebra"}).content.decode()
    assert "<html" in html and 'hx-trigger="input changed delay:300ms, search"' in html
    assert re.search(r'aria-current="page"[^>]*>All <span class="search-count">4</span>', html)
    assert 'Posts <span class="search-count">2</span>' in html
    assert "<mark>zebra</mark>" in html
    post, comment = content["company"]
    assert reverse("posts:detail", args=[post.pk]) in html
    assert reverse("posts:detail", args=[post.pk]) + f"#comment-{comment.pk}" in html
    assert "private zebra" not in html and "secret zebra" not in html


def test_search_page_htmx_returns_only_results(client, viewer, content):
    client.force_login(viewer)
    html = client.get(reverse("search"), {"q": "zebra", "kind": "comment"}, headers=HTMX).content.decode()
    assert "<html" not in html and 'id="search-q"' not in html
    assert html.count('class="hit hit-comment"') == 2


def test_search_page_links_people_and_spaces(client, viewer, owner, spaces):
    indexing.index_person(owner.pk)  # people made by the factory are not indexed by an action
    client.force_login(viewer)
    html = client.get(reverse("search"), {"q": "olga"}).content.decode()
    assert reverse("people:profile", args=["olga"]) in html
    html = client.get(reverse("search"), {"q": "kitchen"}).content.decode()
    assert reverse("spaces:detail", args=[spaces["open"].slug]) in html


def test_search_page_empty_and_no_results_states(client, viewer, content):
    client.force_login(viewer)
    assert "Type a few words" in client.get(reverse("search")).content.decode()
    html = client.get(reverse("search"), {"q": "unicorn"}).content.decode()
    assert "No results for “unicorn”." in html and "Nothing you can see matches" in html


def test_search_page_pagination_links(client, viewer, owner, indexed):
    with indexed():
        for i in range(23):
            create_post(owner, body=f"okapi sighting {i}")
    client.force_login(viewer)
    first = client.get(reverse("search"), {"q": "okapi"}).content.decode()
    assert (
        first.count('class="hit hit-post"') == 20 and 'rel="next" href="/search/?q=okapi&amp;page=2"' in first
    )
    second = client.get(reverse("search"), {"q": "okapi", "page": "2"}).content.decode()
    assert second.count('class="hit hit-post"') == 3 and 'rel="prev"' in second and 'rel="next"' not in second


@pytest.mark.parametrize(
    "params", [{"q": "x", "kind": "planet"}, {"q": "x", "page": "zero"}, {"q": "x", "page": "0"}]
)
def test_search_page_bad_parameters_are_clear_4xx(client, viewer, params):
    client.force_login(viewer)
    response = client.get(reverse("search"), params)
    assert response.status_code == 422
    assert 'class="form-error"' in response.content.decode()


def test_search_page_query_count_is_fixed(client, viewer, owner, indexed, django_assert_num_queries):
    with indexed():
        for i in range(30):
            create_post(owner, body=f"tapir {i}")
    client.force_login(viewer)
    # session, user, unread badge, window check, counts, page of hits, snippets
    with django_assert_num_queries(7):
        assert client.get(reverse("search"), {"q": "tapir"}).status_code == 200


def test_a_very_common_word_ranks_and_counts_the_most_recent_matches(client, viewer, owner, indexed,
                                                                      monkeypatch):
    from chrysalis.search import queries

    with indexed():
        posts = [create_post(owner, body=f"tapir sighting number {i}") for i in range(12)]
    monkeypatch.setattr(queries, "RANK_WINDOW", 5)
    results = queries.search(viewer, "tapir")
    assert results.more and results.counts["post"] == 5
    assert sorted(h.doc.object_id for h in results.hits) == sorted(p.pk for p in posts[-5:])
    client.force_login(viewer)
    html = client.get(reverse("search"), {"q": "tapir"}).content.decode()
    assert "5+ results for" in html and '<span class="search-count">5+</span>' in html
    api = client.get("/api/v1/search", {"q": "tapir"}, headers=api_headers(viewer)).json()
    assert api["more"] is True and api["counts"]["post"] == 5
    monkeypatch.setattr(queries, "RANK_WINDOW", 12)  # exactly as many as match: counted exactly
    results = queries.search(viewer, "tapir")
    assert not results.more and results.counts["post"] == 12


def test_search_api(client, viewer, content):
    headers = api_headers(viewer)
    first = client.get("/api/v1/search", {"q": "zebra", "limit": 3}, headers=headers).json()
    assert first["counts"] == {"post": 2, "comment": 2, "person": 0, "space": 0}
    assert len(first["items"]) == 3 and first["next_cursor"] == "3"
    second = client.get("/api/v1/search", {"q": "zebra", "limit": 3, "cursor": "3"}, headers=headers).json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    every = first["items"] + second["items"]
    assert {i["kind"] for i in every} == {"post", "comment"}
    assert all("<mark>zebra</mark>" in i["snippet"] for i in every)
    assert not any("private" in i["snippet"] or "secret" in i["snippet"] for i in every)
    comment = next(i for i in every if i["kind"] == "comment")
    assert comment["url"] == f"/posts/{comment['post_id']}/#comment-{comment['id']}"


@pytest.mark.parametrize(
    "params,detail",
    [
        ({"q": "x", "kind": "planet"}, "Unknown kind"),
        ({"q": "x", "cursor": "abc"}, "cursor is not valid"),
        ({"q": "x", "limit": "500"}, "between 1 and 50"),
        ({"q": "x", "cursor": "999999"}, "paged up to"),
    ],
)
def test_search_api_bad_parameters(client, viewer, params, detail):
    response = client.get("/api/v1/search", params, headers=api_headers(viewer))
    assert response.status_code == 422
    assert detail in response.json()["detail"]


def test_search_api_needs_authentication(client):
    assert client.get("/api/v1/search", {"q": "zebra"}).status_code == 401
