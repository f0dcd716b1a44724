"""The digest: periods, sections, nothing-to-say, frequency, once per period, sending-time access,
through the real SMTP backend to a real SMTP server."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from chrysalis.experts.actions import ask_by_name
from chrysalis.notifications import actions
from chrysalis.notifications.digest import build_digest, latest_period, send_digests
from chrysalis.notifications.models import DigestDelivery
from chrysalis.notifications.tests.conftest import links, parts
from chrysalis.people.actions import follow_person
from chrysalis.posts import actions as posts
from chrysalis.qa import actions as qa
from chrysalis.spaces.actions import leave_space
from chrysalis.testsupport.factories import make_person, make_space

pytestmark = pytest.mark.django_db
BASE = "http://127.0.0.1:8000"


def next_run():
    """A time when the weekly period holding "now" has ended (the Monday after, 08:00 UTC)."""
    _start, end = latest_period("weekly", timezone.now())
    return end + timedelta(days=7, hours=1)


# --- periods ---------------------------------------------------------------------------------------


def test_periods_end_at_the_digest_hour_daily_and_on_mondays(settings):
    settings.CHRYSALIS_DIGEST_HOUR = 7
    wednesday_noon = datetime(2026, 12, 9, 12, 0, tzinfo=UTC)
    assert latest_period("daily", wednesday_noon) == (
        datetime(2026, 12, 8, 7, tzinfo=UTC), datetime(2026, 12, 9, 7, tzinfo=UTC)
    )
    assert latest_period("weekly", wednesday_noon) == (
        datetime(2026, 11, 30, 7, tzinfo=UTC), datetime(2026, 12, 7, 7, tzinfo=UTC)
    )
    early_monday = datetime(2026, 12, 7, 6, 59, tzinfo=UTC)
    assert latest_period("daily", early_monday)[1] == datetime(2026, 12, 6, 7, tzinfo=UTC)
    assert latest_period("weekly", early_monday)[1] == datetime(2026, 11, 30, 7, tzinfo=UTC)
    assert latest_period("weekly", datetime(2026, 12, 7, 7, tzinfo=UTC))[1] == datetime(2026, 12, 7, 7, tzinfo=UTC)


# --- a full digest ---------------------------------------------------------------------------------


@pytest.fixture
def org(db, on_commit):
    """Ana follows Bob and #kafka. This week: Bob and Dan answered kafka questions (Cy voted Bob's
    up), Ana answered Cy's question (accepted, up-voted, a reaction), and Cy asked Ana by name. In
    the private Board (Bob and Cy, not Ana) Bob answered a kafka question too."""
    ana = make_person("ana", display_name="Ana Lopez")
    bob = make_person("bob", display_name="Bob Stone")
    cy = make_person("cy", display_name="Cy Young")
    dan = make_person("dan", display_name="Dan Ho")
    with on_commit():
        follow_person(ana, bob)
        q1 = qa.ask_question(cy, title="Kafka consumer lag after deploy", body="Lag grows.", tags=["kafka"])
        qa.follow_tag(ana, "kafka")
        bobs = qa.answer_question(bob, q1, body="Raise **max.poll.records** and check the rebalance logs.")
        qa.vote(cy, bobs, 1)
        q2 = qa.ask_question(cy, title="Kafka topic retention", body="How long?", tags=["kafka"])
        qa.answer_question(dan, q2, body="Seven days is the default retention.")
        q3 = qa.ask_question(cy, title="Terraform state lock", body="Stuck lock.", tags=["terraform"])
        anas = qa.answer_question(ana, q3, body="Use force-unlock with the lock id.")
        qa.vote(cy, anas, 1)
        qa.accept_answer(cy, anas)
        posts.react(dan, post=anas, kind="like")
        board = make_space(bob, name="Board", visibility="private", members=[cy])
        q4 = qa.ask_question(cy, title="Kafka budget for the board", body="Secret numbers.", tags=["kafka"],
                             space=board)
        qa.answer_question(bob, q4, body="Board-only kafka answer about the budget.")
        q5 = qa.ask_question(cy, title="Grafana dashboard for SLOs", body="Which panels?", tags=["grafana"])
        with transaction.atomic():
            ask_by_name(q5, ana)
    return {"ana": ana, "bob": bob, "cy": cy, "dan": dan, "q1": q1, "q3": q3, "q5": q5, "bobs": bobs,
            "anas": anas, "board": board}


def test_weekly_digest_has_every_section_in_both_parts_with_links(smtp, org):
    ana = org["ana"]
    smtp.received.clear()  # the immediate e-mails of the set-up
    outcome = send_digests(now=next_run())
    assert outcome.as_dict() == {"sent": 3, "empty": 1, "failed": 0, "error": ""}  # Cy had nothing new
    [message] = smtp.to("ana@example.com")
    assert message["Subject"] == (
        "Your weekly Chrysalis digest: 1 question waiting for you, 1 update for you, "
        "what your network learned, you helped 1 person"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["X-Chrysalis-Kind"] == "digest"
    text, html = parts(message)
    # questions waiting for you
    assert "QUESTIONS WAITING FOR YOU\n\n* Grafana dashboard for SLOs\n  asked by Cy Young, just now\n" in text
    assert f"{BASE}/posts/{org['q5'].pk}/" in links(html)
    # for you: the accepted answer (a digest kind by default)
    assert '* Cy Young accepted your answer to "Terraform state lock"' in text
    # what your network learned: Bob's (followed, voted) answer first, then Dan's (#kafka)
    learned = text.split("WHAT YOUR NETWORK LEARNED")[1].split("YOUR CONTRIBUTIONS")[0]
    assert learned.index("Kafka consumer lag after deploy") < learned.index("Kafka topic retention")
    assert "answer by Bob Stone · 1 vote" in learned and "answer by Dan Ho" in learned
    assert "Raise max.poll.records and check the rebalance logs." in learned
    assert "You follow Bob Stone" in html and "#kafka" in html
    # your contributions this week
    assert "1 answer given, 1 person helped, 1 accepted, 1 reaction, 1 up vote" in text
    # nothing of the private Board
    for leak in ("Board", "budget", "Secret numbers"):
        assert leak not in text and leak not in html
    assert f"{BASE}/people/settings/#email" in links(html)
    assert message["List-Unsubscribe"][1:-1] in links(html)
    assert f"{BASE}/experts/inbox/" in links(html)
    assert DigestDelivery.objects.get(recipient=ana).status == "sent"


def test_a_period_is_sent_at_most_once(smtp, org):
    at = next_run()
    send_digests(now=at)
    smtp.received.clear()
    again = send_digests(now=at)
    assert again.as_dict() == {"sent": 0, "empty": 0, "failed": 0, "error": ""}
    assert smtp.messages == []
    assert DigestDelivery.objects.count() == 4


def test_nothing_to_say_sends_nothing_and_is_recorded(smtp, db):
    make_person("quiet")
    outcome = send_digests(now=next_run())
    assert outcome.as_dict() == {"sent": 0, "empty": 1, "failed": 0, "error": ""}
    assert smtp.messages == []
    assert DigestDelivery.objects.get().status == "empty"


def test_daily_weekly_and_off(smtp, org):
    ana, bob, cy = org["ana"], org["bob"], org["cy"]
    actions.update_email_settings(bob, bob, digest="daily")
    actions.update_email_settings(cy, cy, digest="off")
    actions.update_email_settings(ana, ana, digest="weekly")
    smtp.received.clear()
    monday = next_run()
    # The Tuesday after the set-up: Bob's daily period holds it; Ana's last weekly period ended
    # before it, but a question waits for her (whatever the period); Dan's week was empty.
    send_digests(now=monday - timedelta(days=6))
    [to_bob] = smtp.to("bob@example.com")
    assert to_bob["Subject"] == "Your daily Chrysalis digest: you helped 1 person"
    assert "YOUR CONTRIBUTIONS TODAY\n  2 answers given, 1 person helped" in parts(to_bob)[0]
    [to_ana] = smtp.to("ana@example.com")
    assert to_ana["Subject"] == "Your weekly Chrysalis digest: 1 question waiting for you"
    assert len(smtp.messages) == 2
    smtp.received.clear()
    # The Monday: Ana's and Dan's weekly ones; Bob's last day was quiet; Cy gets none
    send_digests(now=monday)
    assert sorted(m["To"] for m in smtp.messages) == ["Ana Lopez <ana@example.com>", "Dan Ho <dan@example.com>"]
    assert not DigestDelivery.objects.filter(recipient=cy).exists()
    assert DigestDelivery.objects.get(recipient=bob, period_end=monday.replace(hour=7)).status == "empty"


def test_all_sends_whatever_the_day_to_everyone_not_off(smtp, org):
    actions.update_email_settings(org["dan"], org["dan"], digest="off")
    smtp.received.clear()
    # now: the last ended week holds none of the set-up; only Ana's waiting question is due
    assert send_digests().sent == 1
    smtp.received.clear()
    outcome = send_digests(everyone=True)  # --all: the last seven days, now, to everyone not off
    assert sorted(m["To"] for m in smtp.messages) == ["Ana Lopez <ana@example.com>", "Bob Stone <bob@example.com>"]
    assert outcome.sent == 2 and outcome.empty == 1  # Cy had nothing new; Dan is off


def test_content_of_a_space_left_since_is_not_in_the_digest(smtp, org, on_commit):
    ana, cy = org["ana"], org["cy"]
    legal = make_space(cy, name="Legal", visibility="private", members=[ana])
    with on_commit():
        q = qa.ask_question(cy, title="NDA wording for vendors", body="Clause 7.", tags=["legal"], space=legal)
        legal_answer = qa.answer_question(ana, q, body="Use the mutual template.")
        qa.vote(cy, legal_answer, 1)
        follow_person(ana, cy)
        qa.create_article(cy, q, title="NDA checklist", body="Mutual template, clause 7.")
    before = build_digest(ana, "weekly", *latest_period("weekly", next_run()))
    assert before.sections["contributions"]["answers"] == 2
    assert "NDA checklist" in [i["title"] for i in before.sections["learned"]]
    leave_space(ana, legal)
    smtp.received.clear()
    send_digests(now=next_run())
    [message] = smtp.to("ana@example.com")
    text, html = parts(message)
    for leak in ("NDA", "Legal", "Clause 7", "mutual template"):
        assert leak not in text and leak not in html
    assert "1 answer given, 1 person helped, 1 accepted, 1 reaction, 1 up vote" in text


def test_deactivated_people_and_master_switch_off_get_no_digest(smtp, org):
    ana, bob = org["ana"], org["bob"]
    ana.is_active = False
    ana.save(update_fields=["is_active"])
    bob.email_notifications = False
    bob.save(update_fields=["email_notifications"])
    smtp.received.clear()
    outcome = send_digests(now=next_run())
    assert [m["To"] for m in smtp.messages] == ["Dan Ho <dan@example.com>"]
    assert outcome.sent == 1
    assert not DigestDelivery.objects.filter(recipient__in=[ana, bob]).exists()


def test_mail_server_down_releases_the_period_for_the_next_run(smtp_down, org, settings, smtp_server):
    outcome = send_digests(now=next_run())
    assert outcome.sent == 0 and outcome.failed == 1 and "Connection refused" in outcome.error
    assert not DigestDelivery.objects.filter(status__in=["sending", "sent"]).exists()
    controller, inbox = smtp_server
    inbox.received.clear()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": controller.port}}}
    assert send_digests(now=next_run()).sent == 3
    assert len(inbox.to("ana@example.com")) == 1


def test_the_scheduled_task_sends_the_due_digests(smtp, org, monkeypatch):
    from chrysalis.notifications import digest
    from chrysalis.notifications.tasks import send_due_digests_task

    later = next_run()
    monkeypatch.setattr(digest.timezone, "now", lambda: later)
    smtp.received.clear()
    result = send_due_digests_task.enqueue()
    assert result.return_value == {"sent": 3, "empty": 1, "failed": 0, "error": ""}
    assert len(smtp.to("ana@example.com")) == 1


def test_routed_questions_in_the_digest_are_listed_once_and_off_means_not_at_all(smtp, org):
    ana = org["ana"]
    actions.update_email_settings(ana, ana, routed="digest")
    sections = build_digest(ana, "weekly", *latest_period("weekly", next_run())).sections
    assert [q["title"] for q in sections["waiting"]] == ["Grafana dashboard for SLOs"]
    assert [n["sentence"] for n in sections["for_you"]] == ["accepted your answer to"]  # not the routed one
    actions.update_email_settings(ana, ana, routed="off")
    assert build_digest(ana, "weekly", *latest_period("weekly", next_run())).sections["waiting"] == []
