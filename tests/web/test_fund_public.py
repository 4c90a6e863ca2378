"""The public side of the fund over HTTP: the start page, the application form (CSRF, rate limit), and the
private status link, which reaches its own application's status, questions and report and nothing else."""
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ActionStatus, AuditEvent, FundAction
from app.models.types import clock_at
from app.services.fund import assessment
from app.services.fund.applications import Counterpart
from tests.conftest import csrf_token, login
from tests.factories import actor, user
from tests.fund_factories import FIN, NOW, approve, assess, make_fund, submit


@pytest.fixture(autouse=True)
def demo_clock():
    with clock_at(NOW):
        yield


@pytest.fixture
def call(app):
    return make_fund()[1]


FORM = {
    "org_name": "Basisschool De Vlieger", "org_type": "school", "org_country": "BE", "org_city": "Zelzate",
    "contact_name": "Els Peeters", "contact_email": "els.peeters@devlieger.be", "contact_phone": "",
    "counterparts-0-name": "ROC Westerschelde", "counterparts-0-country": "NL", "counterparts-0-org_type": "school",
    "title": "Studiebezoek Terneuzen", "description": "Leerlingen bezoeken een technische school.",
    "start_date": "2021-04-20", "end_date": "2021-04-20", "expected_participants": "45",
    "cost_bus_hire": "850,00", "cost_speakers": "300,00",
}


def apply(client, call, **changes):
    url = f"/fund/calls/{call.id}/apply"
    page = client.get(url)
    assert page.status_code == 200
    data = {**FORM, **changes, "csrf_token": csrf_token(page.get_data(as_text=True))}
    return client.post(url, data={k: v for k, v in data.items() if v is not None})


def test_an_anonymous_visitor_sees_the_start_page_with_the_open_call(client, call):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/login"' in html and "Grensoverschrijdende uitwisselingen 2021" in html
    assert f'href="/fund/calls/{call.id}/apply"' in html
    with clock_at(NOW.replace(month=4, day=2)):  # closed
        html = client.get("/").get_data(as_text=True)
        assert 'id="no-open-calls"' in html
        assert client.get(f"/fund/calls/{call.id}/apply").status_code == 404
    login(client, FIN)
    assert 'id="absorption"' in client.get("/").get_data(as_text=True)  # signed in: the dashboard


def test_a_proposal_is_submitted_without_an_account_and_leads_to_its_status_page(client, call):
    response = apply(client, call)
    assert response.status_code == 302
    status_url = response.headers["Location"]
    assert re.fullmatch(r"/fund/status/[A-Za-z0-9_-]{43}", status_url)
    page = client.get(status_url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "2021-1-001" in html and 'id="action-status">ingediend<' in html
    assert page.headers["Cache-Control"].endswith("no-store") and "noindex" in page.headers["X-Robots-Tag"]
    action = db.session.scalar(select(FundAction))
    assert action.requested_amount == 1150 and action.contact_email == "els.peeters@devlieger.be"


def test_the_form_shows_each_rule_at_its_field_and_saves_nothing(client, call):
    response = apply(client, call, start_date="2021-01-20", **{"counterparts-0-country": "BE"},
                     cost_bus_hire="4.800,00", cost_staff="200,00", expected_participants="veel")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("De actie begint in de toekomst", "Personeelskosten zijn niet subsidiabel",
                    "Schrijf een geheel getal", "hoger dan het maximum van €\xa05.000,00 per actie",
                    "vermeld minstens één organisatie uit Nederland"):
        assert message in html, message
    assert db.session.scalar(select(FundAction.id)) is None


@pytest.mark.parametrize("typed", ["20-04-2021", "20/04/2021", "2021-04-20", " 20-4-2021 "])
def test_a_date_written_as_the_message_says_is_accepted(client, call, typed):
    """Without a calendar (a browser that shows a text box, a date typed or pasted) people write the date as the
    message asks, dd-mm-yyyy; the field reads that, and the calendar's yyyy-mm-dd."""
    response = apply(client, call, start_date=typed, end_date=typed)
    assert response.status_code == 302, response.get_data(as_text=True)
    action = db.session.scalar(select(FundAction))
    assert action.start_date == action.end_date == date(2021, 4, 20)


def test_an_unreadable_date_gets_the_message_and_a_readable_one_is_kept_for_the_calendar(client, call):
    response = apply(client, call, start_date="31-02-2021", end_date="20-04-2021", expected_participants="veel")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count("Geen datum: gebruik de kalender of schrijf dd-mm-jjjj.") == 1  # the first day only
    assert 'name="end_date" type="date" value="2021-04-20"' in html or \
        re.search(r'<input[^>]*name="end_date"[^>]*value="2021-04-20"', html)  # the calendar shows it again


def test_the_form_needs_its_csrf_token(client, call):
    response = client.post(f"/fund/calls/{call.id}/apply", data=FORM)
    assert response.status_code in (400, 422) and db.session.scalar(select(FundAction.id)) is None


def test_hostile_input_gets_messages_not_errors(client, call):
    response = apply(client, call, start_date="2021-13-45", end_date="x", expected_participants="1e9",
                     cost_bus_hire="12,345", org_type="<script>", org_country="DE",
                     **{"counterparts-0-country": "XX", "counterparts-0-org_type": "sect"})
    assert response.status_code == 422 and "<script>" not in response.get_data(as_text=True)
    assert client.get("/fund/calls/999999/apply").status_code == 404
    assert client.get("/fund/status/" + "x" * 500).status_code == 404


def test_the_application_form_is_rate_limited_with_retry_after(client, call, app):
    app.config["RATELIMIT_FUND_APPLY"] = "2 per hour"
    assert apply(client, call).status_code == 302
    assert apply(client, call, title="Tweede").status_code == 302
    third = apply(client, call, title="Derde")
    assert third.status_code == 429
    assert 0 < int(third.headers["Retry-After"]) <= 3600
    assert 'id="limit-message"' in third.get_data(as_text=True)
    assert len(db.session.scalars(select(FundAction)).all()) == 2


def test_the_status_link_reaches_its_own_application_and_nothing_else(client, call):
    mine, token = submit(call)
    other, other_token = submit(call, org_name="Zeeland Connect", org_country="NL",
                                counterparts=[Counterpart("Stad Gent", "BE", "public_body")])
    assess(mine)
    fin = user(FIN)
    question = assessment.ask(actor(fin), fin, mine, "Hoeveel begeleiders gaan mee?")
    other_question = assessment.ask(actor(fin), fin, other, "Welke datum?")
    db.session.commit()
    html = client.get(f"/fund/status/{token}").get_data(as_text=True)
    assert "Hoeveel begeleiders" in html and "Welke datum" not in html and "Zeeland Connect" not in html
    assert "Fien" not in html and "Weighted" not in html and "Gewogen" not in html  # no assessment
    # the link gives no session: every other page still asks to sign in
    for url in ("/projects", "/projects/LES", "/projects/LES/fund", f"/projects/LES/fund/actions/{mine.id}",
                "/projects/LES/expenditures", "/projects/LES/claims"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    # answering another application's question through this link is not found
    page = client.get(f"/fund/status/{token}").get_data(as_text=True)
    response = client.post(f"/fund/status/{token}/answers", data={
        "question_id": other_question.id, "text": "Hack", "csrf_token": csrf_token(page)})
    assert response.status_code == 404
    response = client.post(f"/fund/status/{token}/answers", data={
        "question_id": question.id, "text": "Drie begeleiders.", "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert "Drie begeleiders" in client.get(f"/fund/status/{token}").get_data(as_text=True)
    assert "Drie begeleiders" not in client.get(f"/fund/status/{other_token}").get_data(as_text=True)


def test_a_revoked_link_is_not_found_and_a_new_one_works(client, call):
    action, token = submit(call)
    login(client, FIN)
    page = client.get(f"/projects/LES/fund/actions/{action.id}").get_data(as_text=True)
    client.post(f"/projects/LES/fund/actions/{action.id}/link/revoke", data={"csrf_token": csrf_token(page)})
    client.post("/logout", data={"csrf_token": csrf_token(page)})
    assert client.get(f"/fund/status/{token}").status_code == 404
    assert client.post(f"/fund/status/{token}/report", data={}).status_code in (400, 404)
    login(client, FIN)
    page = client.get(f"/projects/LES/fund/actions/{action.id}").get_data(as_text=True)
    renewed = client.post(f"/projects/LES/fund/actions/{action.id}/link/renew", data={"csrf_token": csrf_token(page)})
    assert renewed.headers["Cache-Control"].endswith("no-store")
    new_url = re.search(r'id="new-link">http://localhost(/fund/status/[^<]+)<', renewed.get_data(as_text=True))[1]
    assert client.get(new_url).status_code == 200 and client.get(f"/fund/status/{token}").status_code == 404
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "fund_action")).all()
    assert "fund.status_link_revoked" in actions and "fund.status_link_renewed" in actions


def pdf_bytes() -> bytes:
    from reportlab.pdfgen import canvas
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Aanwezigheidslijst studiebezoek Terneuzen")
    pdf.save()
    return buffer.getvalue()


def test_the_final_report_with_evidence_through_the_link(client, call):
    action, token = submit(call)
    assess(action)
    approve(action)
    with clock_at(NOW.replace(month=4, day=21)):  # the day after the action
        page = client.get(f"/fund/status/{token}").get_data(as_text=True)
        assert 'id="report"' in page and 'name="attendance"' in page
        refused = client.post(f"/fund/status/{token}/report", data={
            "participants": "41", "summary": "Geslaagd.", "csrf_token": csrf_token(page),
            "attendance": (io.BytesIO(b"MZ\x90\x00 not a document"), "lijst.pdf")},
            content_type="multipart/form-data")
        assert refused.status_code == 302
        assert db.session.get(FundAction, action.id).status is ActionStatus.APPROVED
        response = client.post(f"/fund/status/{token}/report", data={
            "participants": "41", "summary": "Geslaagd bezoek; twee leerlingen kiezen voor een stage.",
            "csrf_token": csrf_token(page), "attendance": (io.BytesIO(pdf_bytes()), "aanwezigheden.pdf")},
            content_type="multipart/form-data")
        assert response.status_code == 302
    db.session.expire_all()
    action = db.session.get(FundAction, action.id)
    assert action.status is ActionStatus.REPORTED and action.participants_reached == 41
    login(client, FIN)
    html = client.get(f"/projects/LES/fund/actions/{action.id}").get_data(as_text=True)
    link = re.search(r'href="(/projects/LES/fund/actions/\d+/report/\d+)">aanwezigheden.pdf', html)[1]
    with client.get(link) as download:
        assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "fund.report_downloaded"))
    assert date.today()  # the report page itself is not cached


def test_with_redis_url_the_limits_are_counted_in_redis(app, tmp_path):
    """Several workers share one count: with REDIS_URL the limiter keeps it in Redis (skipped without one)."""
    import redis

    from tests.conftest import make_app
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    redis.Redis.from_url(url).flushdb()
    with_redis = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "redis", REDIS_URL=url,
                          RATELIMIT_FUND_STATUS="2 per minute")
    try:
        assert with_redis.config["RATELIMIT_STORAGE_URI"] == url
        client = with_redis.test_client()
        statuses = [client.get("/fund/status/" + "a" * 43).status_code for _ in range(3)]
        assert statuses == [404, 404, 429]
        assert any(redis.Redis.from_url(url).scan_iter("LIMITS*"))
    finally:
        redis.Redis.from_url(url).flushdb()
        with with_redis.app_context():
            db.session.remove()
            db.engine.dispose()
