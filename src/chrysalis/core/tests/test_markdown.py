import pytest

from chrysalis.core.markdown import find_hashtags, find_links, find_mentions, plain_text, render_markdown


@pytest.mark.parametrize(
    "source, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", 'href="javascript:'),
        ('<a href="javascript:alert(1)">x</a>', 'href="javascript:'),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ('<p style="color:red" onclick="x()">hi</p>', "onclick"),
        ('<p style="background:url(x)">hi</p>', "style="),
        ("<svg><script>alert(1)</script></svg>", "<svg"),
        ('<form action="/x"><input name=a></form>', "<form"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", 'href="data:'),
        ('<a href="data:text/html,x">x</a>', 'href="data:'),
    ],
)
def test_render_markdown_strips_dangerous_markup(source, forbidden):
    assert forbidden not in render_markdown(source).lower()


def test_render_markdown_keeps_formatting_and_marks_links():
    html = render_markdown("**bold** and `code` and https://example.com/a\n\n- one\n- two")
    assert "<strong>bold</strong>" in html
    assert "<code>code</code>" in html
    assert '<a href="https://example.com/a" rel="noopener noreferrer nofollow ugc">' in html
    assert "<li>one</li>" in html


def test_mentions_tags_and_links_ignore_code_and_emails():
    text = "Hi @ana.lopez and @Bob_9, mail me at x@y.com. `@notme` #Kubernetes #k8s see https://a.example/b."
    assert find_mentions(text) == ["ana.lopez", "bob_9"]
    assert find_hashtags(text) == ["kubernetes", "k8s"]
    assert find_links(text) == ["https://a.example/b"]


def test_plain_text_drops_tags():
    assert plain_text("<p>Hello <strong>world</strong></p>\n<p>again</p>") == "Hello world again"


def test_mentions_become_profile_links_but_not_in_code_or_links():
    html = render_markdown("Thanks @ana.lopez! `@notme` [@x](https://a.example) mail x@y.com")
    assert '<a class="mention" href="/people/ana.lopez/">@ana.lopez</a>' in html
    assert "<code>@notme</code>" in html
    assert html.count('class="mention"') == 1
