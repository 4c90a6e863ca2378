"""The layout every page shares (issue 11): breadcrumbs, a main menu by role, errors linked to their fields,
tables that scroll in their own box, and a confirmation step before what cannot be undone."""
import re

import pytest

from tests.conftest import csrf_token, login

FIN, HOWEST = "finance@example.org", "partner.howest@example.org"


def test_a_field_with_an_error_is_marked_and_linked_to_its_message(client):
    login(client, HOWEST)
    html = client.get("/projects/LES/expenditures/new").get_data(as_text=True)
    response = client.post("/projects/LES/expenditures/new", data={
        "csrf_token": csrf_token(html), "supplier": "", "gross_amount": "12,3,4", "invoice_number": "X"})
    html = response.get_data(as_text=True)
    invalid = re.findall(r'<(?:input|select|textarea)[^>]*aria-invalid="true"[^>]*>', html)
    assert invalid, "no field is marked invalid"
    for tag in invalid:
        described = re.search(r'aria-describedby="([^"]+)"', tag).group(1)
        for ident in described.split():
            assert f'id="{ident}"' in html and 'class="error"' in html, ident
    assert any('name="supplier"' in tag for tag in invalid) and any('name="gross_amount"' in tag for tag in invalid)


def test_breadcrumbs_lead_from_the_dashboard_to_the_page(client):
    login(client, FIN)
    html = client.get("/projects/LES/expenditures/new").get_data(as_text=True)
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    links = re.findall(r'href="([^"]+)"', crumbs)
    assert links == ["/", "/projects", "/projects/LES", "/projects/LES/expenditures"]
    assert 'aria-current="page"' in crumbs
    assert '<nav class="breadcrumbs"' not in client.get("/").get_data(as_text=True)  # the dashboard is the top


@pytest.mark.demo_history
def test_wide_tables_scroll_in_a_focusable_named_box(client):
    login(client, FIN)
    for url in ("/projects/LES", "/projects/LES/expenditures", "/projects/LES/claims", "/projects/LES/audit"):
        html = client.get(url).get_data(as_text=True)
        tables = len(re.findall(r"<table\b", html))
        boxes = len(re.findall(r'<div class="[^"]*table-scroll[^"]*" tabindex="0" role="region" aria-label', html))
        assert tables and boxes == tables, (url, tables, boxes)


@pytest.mark.demo_history
def test_submitting_a_claim_asks_for_confirmation_in_the_page(client):
    login(client, "partner.odisee@example.org")
    html = client.get("/").get_data(as_text=True)
    claim_url = re.search(r'href="(/projects/LES/claims/\d+)"', html).group(1)
    html = client.get(claim_url).get_data(as_text=True)
    step = re.search(r'<details class="confirm">.*?</details>', html, re.S).group(0)
    assert "<summary" in step and "Declaratie indienen" in step and "Ja, de declaratie indienen" in step
    assert "ligt de declaratie vast" in step and 'type="submit"' in step


def test_the_menu_folds_without_hiding_anything_from_a_browser_without_javascript(client):
    login(client, FIN)
    html = client.get("/projects").get_data(as_text=True)
    assert ('<button type="button" class="menu-toggle" aria-expanded="false" aria-controls="site-nav" hidden>'
            in html)
    nav = re.search(r'<nav id="site-nav".*?</nav>', html, re.S).group(0)
    assert 'href="/"' in nav and 'href="/projects" aria-current="page"' in nav
    assert 'class="skip-link" href="#main"' in html and '<main id="main"' in html
