from chrysalis.experts.tests.conftest import answer, ask
from chrysalis.spaces.actions import create_space


def test_profile_card_shows_topics_from_visible_work_only(client, people):
    p = people
    q = ask(p["dan"], "Kubernetes pod keeps restarting", ["kubernetes"])
    answer(p["alice"], q, "Check the liveness probe of the kubernetes deployment.")
    secret = create_space(p["alice"], name="Falcon", visibility="secret")
    hidden = ask(p["alice"], "Valuation model for the target", ["valuation"], space=secret)
    answer(p["alice"], hidden, "Use the discounted cash flow valuation.")
    client.force_login(p["bob"])
    html = client.get("/experts/knows/alice/", headers={"HX-Request": "true"}).content.decode()
    assert "Knows about" in html and "kubernetes" in html
    assert "valuation" not in html
    assert client.get("/experts/knows/nobody-here/").status_code == 404
