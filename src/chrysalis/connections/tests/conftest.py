import pytest
from django.core.cache import cache

from chrysalis.qa import actions as qa
from chrysalis.testsupport.factories import make_department, make_person


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The home cards cache suggestions per viewer for a while: every test starts without."""
    cache.clear()
    yield
    cache.clear()


def ask(author, title, tags, space=None):
    return qa.ask_question(author, title=title, body="Please help.", tags=tags, space=space)


def answer(author, question, body="Here is how."):
    return qa.answer_question(author, question, body=body)


@pytest.fixture
def org(db):
    return build_org()


def build_org():
    """A small organisation whose right answers are worked out in test_suggestions.py.

    Departments: Support (vera, sam, sue), Platform (mona, ron, kai, fol, wes, dis), Finance (fay,
    opt), Sales (gia). vera's manager is mona; ron reports to vera; vera follows fol and the gdpr tag.
    """
    from chrysalis.experts.actions import update_settings
    from chrysalis.people.actions import follow_person
    from chrysalis.posts.actions import add_comment, create_post

    support, platform = make_department("Support"), make_department("Platform")
    finance, sales = make_department("Finance"), make_department("Sales")
    p = {}
    p["mona"] = make_person("mona", display_name="Mona Field", department=platform)
    p["vera"] = make_person("vera", display_name="Vera Lind", department=support, manager=p["mona"])
    for name, dept in [
        ("sam", support),
        ("sue", support),
        ("kai", platform),
        ("fol", platform),
        ("wes", platform),
        ("dis", platform),
        ("fay", finance),
        ("opt", finance),
        ("gia", sales),
    ]:
        p[name] = make_person(name, display_name=f"{name.title()} Doe", department=dept)
    p["ron"] = make_person("ron", display_name="Ron Doe", department=platform, manager=p["vera"])
    vera, sam = p["vera"], p["sam"]

    q_pricing = ask(vera, "How do we price the enterprise tier?", ["pricing"])
    answer(p["fay"], q_pricing)
    answer(p["opt"], q_pricing)
    q_k1 = ask(sam, "Kubernetes pod keeps restarting", ["kubernetes"])
    for name in ("kai", "sue", "mona", "ron", "fol", "wes", "dis"):
        answer(p[name], q_k1)
    q_k2 = ask(sam, "Kubernetes ingress returns 502", ["kubernetes"])
    answer(p["kai"], q_k2)
    q_gdpr = ask(p["fay"], "Do we need consent for this GDPR case?", ["gdpr"])
    answer(p["gia"], q_gdpr)
    q_py = ask(sam, "Python typing for dicts", ["python"])
    answer(vera, q_py)

    qa.follow_tag(vera, "gdpr")
    follow_person(vera, p["fol"])
    notes = create_post(p["wes"], body="Platform notes for this week")
    for i in range(4):  # vera talks to wes every week
        add_comment(vera, notes, body=f"Thanks, week {i}")
    update_settings(p["opt"], opt_out_of_expertise=True)
    from chrysalis.connections.actions import dismiss_suggestion

    p["dismissal"] = dismiss_suggestion(vera, "person", "dis", reason="Answers kubernetes", days=30)
    p["questions"] = {"pricing": q_pricing, "k1": q_k1, "k2": q_k2, "gdpr": q_gdpr, "python": q_py}
    p["depts"] = {"support": support, "platform": platform, "finance": finance, "sales": sales}
    return p
