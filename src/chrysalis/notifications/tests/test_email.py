"""E-mail about notifications, sent through the real SMTP backend to a real SMTP server (aiosmtpd):
headers, both parts, links; per-kind settings; sending-time access checks; idempotence; the
one-click unsubscribe; the e-mail settings section; CHRYSALIS_EMAIL_URL."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from chrysalis.core.errors import Forbidden, Invalid
from chrysalis.notifications import actions, email_url
from chrysalis.notifications.email import send_notification_emails
from chrysalis.notifications.models import EmailSettings, Notification
from chrysalis.notifications.tests.conftest import links, parts
from chrysalis.posts import actions as posts
from chrysalis.qa import actions as qa
from chrysalis.spaces.actions import leave_space
from chrysalis.testsupport.factories import make_person, make_space

pytestmark = pytest.mark.django_db
BASE = "http://127.0.0.1:8000"


@pytest.fixture
def people(db):
    return make_person("ana", display_name="Ana Lopez"), make_person("bob", display_name="Bob Stone")


class Later:
    """Stands in for the e-mail task: keeps what was enqueued, for the test to send later."""

    def __init__(self, queued):
        self.enqueue = queued.append


def mention(on_commit, author, who, *, space=None, title="Postgres upgrade"):
    with on_commit():
        return posts.create_post(author, title=title, body=f"Hey @{who.username} can you check the replica lag?",
                                 space=space)


# --- CHRYSALIS_EMAIL_URL ---------------------------------------------------------------------------


def test_email_url_smtp_with_starttls_user_and_password():
    mailers, description = email_url.parse_email_url("smtp://mailer%40corp:p%3Ass@mail.corp.example:587?tls=1")
    assert mailers == {
        "default": {
            "BACKEND": email_url.SMTP,
            "OPTIONS": {
                "host": "mail.corp.example", "port": 587, "username": "mailer@corp", "password": "p:ss",
                "use_tls": True, "use_ssl": False, "timeout": 30.0,
            },
        }
    }
    assert description == "SMTP mail.corp.example:587 with STARTTLS as mailer@corp"
    assert "p:ss" not in description


def test_email_url_smtps_default_port_and_console_when_unset():
    mailers, description = email_url.parse_email_url("smtps://relay.example")
    assert mailers["default"]["OPTIONS"]["port"] == 465 and mailers["default"]["OPTIONS"]["use_ssl"] is True
    assert description == "SMTP relay.example:465 over TLS"
    assert email_url.parse_email_url("") == ({"default": {"BACKEND": email_url.CONSOLE}}, email_url.CONSOLE_DESCRIPTION)
    assert email_url.parse_email_url("console://")[0] == {"default": {"BACKEND": email_url.CONSOLE}}


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://mail.example", "must start with smtp://, smtps:// or console://"),
        ("smtp://mail.example:99999", "the port must be a number"),
        ("smtp://:25", "needs a host"),
        ("smtps://mail.example?tls=1", "not both"),
        ("smtp://mail.example?tls=maybe", "tls= must be 1 or 0"),
        ("smtp://mail.example?timeout=soon", "timeout= must be a number"),
    ],
)
def test_email_url_mistakes_are_clear(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        email_url.parse_email_url(url)


# --- immediate e-mail ------------------------------------------------------------------------------


def test_a_mention_is_emailed_with_both_parts_links_and_one_click_unsubscribe(smtp, people, on_commit):
    ana, bob = people
    post = mention(on_commit, ana, bob)
    [message] = smtp.to("bob@example.com")
    assert message["Subject"] == "Ana Lopez mentioned you in: Postgres upgrade"
    assert message["To"] == "Bob Stone <bob@example.com>"
    assert message["From"] == "Chrysalis <chrysalis@localhost>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{BASE}/notifications/unsubscribe/") and unsubscribe.endswith("/>")
    text, html = parts(message)
    assert "Ana Lopez mentioned you in \"Postgres upgrade\"" in text
    assert "Hey @bob can you check the replica lag?" in text and "&quot;" not in text
    assert f"Open the conversation: {BASE}/posts/{post.pk}/" in text
    assert f"{BASE}/people/settings/#email" in text and unsubscribe[1:-1] in text
    assert "Ana Lopez mentioned you in “Postgres upgrade”" in html
    assert links(html) == [f"{BASE}/", f"{BASE}/posts/{post.pk}/", f"{BASE}/people/settings/#email", unsubscribe[1:-1]]
    assert Notification.objects.get(recipient=bob).emailed_at is not None
    assert [m["To"] for m in smtp.messages] == ["Bob Stone <bob@example.com>"]  # never the author


def test_answer_and_accepted_answer_are_emailed_by_their_own_settings(smtp, people, on_commit):
    ana, bob = people
    actions.update_email_settings(bob, bob, accepted="immediately")
    with on_commit():
        question = qa.ask_question(ana, title="How do we rotate Kafka keys?", body="We need a plan.", tags=["kafka"])
    with on_commit():
        answer = qa.answer_question(bob, question, body="Use the **dual-key** window and rotate weekly.")
    with on_commit():
        qa.accept_answer(ana, answer)
    [to_ana] = smtp.to("ana@example.com")
    [to_bob] = smtp.to("bob@example.com")
    assert to_ana["Subject"] == "Bob Stone answered your question: How do we rotate Kafka keys?"
    assert "Use the dual-key window and rotate weekly." in parts(to_ana)[0]
    assert to_bob["Subject"] == "Ana Lopez accepted your answer to: How do we rotate Kafka keys?"
    assert f"See your answer: {BASE}/posts/{answer.pk}/" in parts(to_bob)[0]


def test_a_routed_question_links_to_the_question_and_the_inbox(smtp, people, on_commit):
    ana, bob = people
    with on_commit():
        question = qa.ask_question(ana, title="Helm chart upgrade fails", body="Error 42", tags=["helm"])
    with on_commit():
        from chrysalis.notifications.actions import notify

        notify([bob], actor=ana, verb=Notification.Verb.ROUTED, post=question)
    [message] = smtp.to("bob@example.com")
    assert message["Subject"] == "Ana Lopez asked you to answer: Helm chart upgrade fails"
    text, html = parts(message)
    assert f"Answer the question: {BASE}/posts/{question.pk}/" in text
    assert f"{BASE}/experts/inbox/" in links(html)


def test_kind_in_the_digest_or_off_sends_no_immediate_email(smtp, people, on_commit):
    ana, bob = people
    cy = make_person("cy")
    actions.update_email_settings(bob, bob, mention="digest")
    actions.update_email_settings(cy, cy, mention="off")
    with on_commit():
        posts.create_post(ana, body="Ping @bob and @cy about the outage")
    assert smtp.messages == []
    assert Notification.objects.filter(verb="mention").count() == 2  # in-app notifications still there
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 0


def test_kinds_that_are_not_email_kinds_send_nothing(smtp, people, on_commit):
    ana, bob = people
    post = mention(on_commit, bob, ana)  # ana is mentioned: one e-mail to her
    smtp.received.clear()
    with on_commit():
        posts.add_comment(ana, post, body="Looking now")  # a comment on bob's post
    with on_commit():
        posts.react(ana, post=post, kind="like")
    assert smtp.messages == []


def test_master_switch_off_and_deactivated_people_get_no_email(smtp, people, on_commit, monkeypatch):
    ana, bob = people
    cy = make_person("cy")
    from chrysalis.notifications import tasks

    queued = []
    monkeypatch.setattr(tasks, "email_notifications_task", Later(queued))
    bob.email_notifications = False
    bob.save(update_fields=["email_notifications"])
    with on_commit():
        posts.create_post(ana, body="Ping @bob and @cy")
    cy.is_active = False  # deactivated before the worker sends
    cy.save(update_fields=["is_active"])
    assert send_notification_emails(queued[0]) == 0
    assert smtp.messages == []


def test_someone_who_left_the_private_space_before_sending_gets_nothing(smtp, people, on_commit, monkeypatch):
    ana, bob = people
    queued = []
    from chrysalis.notifications import tasks

    monkeypatch.setattr(tasks, "email_notifications_task", Later(queued))
    board = make_space(ana, name="Board", visibility="private", members=[bob])
    mention(on_commit, ana, bob, space=board, title="Reorg plans")
    assert len(queued) == 1
    leave_space(bob, board)
    # When the worker gets to it, Bob may no longer read the post
    assert send_notification_emails(queued[0]) == 0
    assert smtp.messages == []
    assert Notification.objects.get(verb="mention").emailed_at is None


def test_a_retried_task_does_not_send_twice(smtp, people, on_commit):
    ana, bob = people
    mention(on_commit, ana, bob)
    note = Notification.objects.get(recipient=bob)
    assert len(smtp.messages) == 1
    assert send_notification_emails([note.pk]) == 0
    assert len(smtp.messages) == 1


def test_mail_server_down_releases_the_claim_and_a_later_run_sends(smtp_down, people, on_commit, monkeypatch,
                                                                   settings, smtp_server):
    ana, bob = people
    from chrysalis.notifications import tasks

    queued = []
    monkeypatch.setattr(tasks, "email_notifications_task", Later(queued))
    mention(on_commit, ana, bob)
    with pytest.raises(OSError):
        send_notification_emails(queued[0])
    assert Notification.objects.get(recipient=bob).emailed_at is None
    controller, inbox = smtp_server
    inbox.received.clear()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": controller.port}}}
    assert send_notification_emails(queued[0]) == 1
    assert [m["To"] for m in inbox.messages] == ["Bob Stone <bob@example.com>"]


# --- settings --------------------------------------------------------------------------------------


def test_settings_default_and_update(people):
    ana, _ = people
    row = actions.update_email_settings(ana, ana, mention="off", digest="daily")
    assert (row.routed, row.mention, row.answer, row.accepted, row.digest) == (
        "immediately", "off", "immediately", "digest", "daily",
    )


@pytest.mark.parametrize(
    "values, message",
    [
        ({"mention": "sometimes"}, "Someone mentions you: choose one of immediately, digest, off."),
        ({"digest": "hourly"}, "The digest: choose one of daily, weekly, off."),
        ({"vote": "off"}, "Unknown e-mail setting 'vote'."),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(people, values, message):
    ana, _ = people
    actions.update_email_settings(ana, ana, mention="digest")
    with pytest.raises(Invalid, match=message):
        actions.update_email_settings(ana, ana, answer="off", **values)
    row = EmailSettings.objects.get(user=ana)
    assert (row.mention, row.answer) == ("digest", "immediately")


def test_only_the_person_changes_their_settings(people):
    ana, bob = people
    with pytest.raises(Forbidden):
        actions.update_email_settings(bob, ana, mention="off")
    assert not EmailSettings.objects.exists()


def test_settings_page_loads_the_email_section_which_saves_with_htmx(client, people):
    ana, _ = people
    client.force_login(ana)
    page = client.get(reverse("people:settings")).content.decode()
    assert f'hx-get="{reverse("notifications:email_settings")}" hx-trigger="load"' in page
    section = client.get(reverse("notifications:email_settings"), headers={"HX-Request": "true"})
    html = section.content.decode()
    assert section.status_code == 200 and "<html" not in html and 'id="email"' in html
    assert 'name="mention" value="immediately" id="id_mention_0" checked' in html
    assert 'name="digest" value="weekly" id="id_digest_1" checked' in html
    data = {"routed": "immediately", "mention": "digest", "answer": "off", "accepted": "digest", "digest": "daily"}
    saved = client.post(reverse("notifications:email_settings"), data, headers={"HX-Request": "true"})
    assert saved.status_code == 200 and "Your e-mail settings are saved." in saved.content.decode()
    assert 'name="answer" value="off" id="id_answer_2" checked' in saved.content.decode()
    row = EmailSettings.objects.get(user=ana)
    assert (row.mention, row.answer, row.digest) == ("digest", "off", "daily")


def test_settings_form_without_javascript_redirects_and_bad_input_is_422(client, people):
    ana, _ = people
    client.force_login(ana)
    full = client.get(reverse("notifications:email_settings"))
    assert full.status_code == 200 and "<html" in full.content.decode()
    data = {"routed": "off", "mention": "off", "answer": "off", "accepted": "off", "digest": "off"}
    response = client.post(reverse("notifications:email_settings"), data)
    assert response.status_code == 302 and response["Location"] == "/people/settings/#email"
    bad = client.post(reverse("notifications:email_settings"), {**data, "routed": "now", "digest": "weekly"})
    assert bad.status_code == 422
    assert "Choose one of the offered options" in bad.content.decode()
    assert EmailSettings.objects.get(user=ana).digest == "off"


def test_settings_section_says_when_the_master_switch_is_off(client, people):
    ana, _ = people
    ana.email_notifications = False
    ana.save(update_fields=["email_notifications"])
    client.force_login(ana)
    html = client.get(reverse("notifications:email_settings"), headers={"HX-Request": "true"}).content.decode()
    assert "E-mail is off for you" in html


def test_email_settings_need_sign_in(client):
    response = client.get(reverse("notifications:email_settings"))
    assert response.status_code == 302 and response["Location"].startswith("/signin/")


# --- unsubscribe -----------------------------------------------------------------------------------


def test_one_click_unsubscribe_needs_no_sign_in_nor_csrf(people):
    ana, _ = people
    token = actions.unsubscribe_token(ana, "mention")
    browser = Client(enforce_csrf_checks=True)
    url = reverse("notifications:unsubscribe", args=[token])
    confirm = browser.get(url)
    assert confirm.status_code == 200
    assert "Stop getting an e-mail when someone mentions you?" in confirm.content.decode()
    assert not EmailSettings.objects.exists()  # GET changes nothing
    done = browser.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    assert "You will no longer get an e-mail when someone mentions you." in done.content.decode()
    row = EmailSettings.objects.get(user=ana)
    assert (row.mention, row.routed, row.digest) == ("off", "immediately", "weekly")
    assert browser.post(url).status_code == 200  # again: still fine


def test_digest_unsubscribe_turns_the_digest_off(people):
    ana, _ = people
    token = actions.unsubscribe_token(ana, "digest")
    Client().post(reverse("notifications:unsubscribe", args=[token]))
    assert EmailSettings.objects.get(user=ana).digest == "off"


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxLCJzIjoiZGlnZXN0In0:1abc:forged"])
def test_bad_unsubscribe_token_is_404_and_changes_nothing(people, token):
    response = Client().post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 404 and "not valid" in response.content.decode()
    assert Client().get(reverse("notifications:unsubscribe", args=[token])).status_code == 404
    assert not EmailSettings.objects.exists()


def test_unsubscribe_token_of_another_scope_or_salt_is_refused(people):
    from django.core import signing

    ana, _ = people
    other = signing.dumps({"u": ana.pk, "s": "mention"}, salt="something-else")
    assert Client().post(reverse("notifications:unsubscribe", args=[other])).status_code == 404
    odd = signing.dumps({"u": ana.pk, "s": "vote"}, salt=actions.UNSUBSCRIBE_SALT)
    assert Client().post(reverse("notifications:unsubscribe", args=[odd])).status_code == 404
    assert not EmailSettings.objects.exists()


def test_the_console_backend_prints_headers_and_the_plain_text(people, on_commit, settings):
    import io

    ana, bob = people
    out = io.StringIO()
    settings.MAILERS = {"default": {"BACKEND": email_url.CONSOLE, "OPTIONS": {"stream": out}}}
    post = mention(on_commit, ana, bob)
    printed = out.getvalue()
    assert printed.startswith(
        "From: Chrysalis <chrysalis@localhost>\nTo: Bob Stone <bob@example.com>\n"
        "Subject: Ana Lopez mentioned you in: Postgres upgrade\nList-Unsubscribe: <http://127.0.0.1:8000/"
    )
    assert f"Open the conversation: {BASE}/posts/{post.pk}/" in printed
    assert printed.endswith("[plain-text part (and an HTML part)]\n" + "-" * 79 + "\n")
    assert "<html" not in printed


def test_email_settings_through_the_api(people):
    from chrysalis.testsupport.factories import api_headers

    ana, _ = people
    headers = api_headers(ana)
    api = Client()
    got = api.get("/api/v1/notifications/email-settings", headers=headers)
    assert got.status_code == 200
    assert got.json() == {"routed": "immediately", "mention": "immediately", "answer": "immediately",
                          "accepted": "digest", "digest": "weekly", "email_on": True}
    changed = api.patch("/api/v1/notifications/email-settings", {"mention": "off", "digest": "daily"},
                        content_type="application/json", headers=headers)
    assert changed.status_code == 200 and changed.json()["mention"] == "off" and changed.json()["digest"] == "daily"
    bad = api.patch("/api/v1/notifications/email-settings", {"answer": "off", "digest": "hourly"},
                    content_type="application/json", headers=headers)
    assert bad.status_code == 422
    assert bad.json() == {"detail": "The digest: choose one of daily, weekly, off.", "field": "digest"}
    row = EmailSettings.objects.get(user=ana)
    assert (row.mention, row.answer, row.digest) == ("off", "immediately", "daily")
    assert api.get("/api/v1/notifications/email-settings").status_code == 401
