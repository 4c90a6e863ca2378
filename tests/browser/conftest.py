"""Browser tests: Debian's Chromium driven by Playwright against the app served on 127.0.0.1.

Install Chromium with `apt-get install -y chromium` (`playwright install` cannot download browsers here).
Without it these tests skip, unless COFUND_REQUIRE_BROWSER=1 (as in CI), where they fail instead.
"""
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        message = "Chromium is not installed: run `apt-get install -y chromium` to run the browser tests"
        if os.environ.get("COFUND_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    DATABASES[f"http://127.0.0.1:{server.server_port}"] = app.config["SQLALCHEMY_DATABASE_URI"]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture
def page(browser, live_server):
    """A page in a Dutch (Belgian) browser: the tests read the Dutch pages (the language follows the
    browser's Accept-Language until the user chooses one)."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1400, "height": 900}, locale="nl-BE")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshots():
    """Where screenshots go: COFUND_SCREENSHOTS if set, else artifacts/screenshots (kept out of git)."""
    target = os.environ.get("COFUND_SCREENSHOTS") or str(SCREENSHOTS)
    os.makedirs(target, exist_ok=True)
    return target


DATABASES: dict[str, str] = {}  # a live server's address: its database (the key of the codes already used)


def log_in(page, email, password="cofund-demo-2026"):
    """Sign in; a user with a second factor (the demo's finance officer, auditor and admin) then enters a code
    computed from the demo secret."""
    from tests.conftest import totp_code
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    if page.url.endswith("/login/second-factor"):
        base = page.url.rsplit("/login/", 1)[0]  # each test its own server and database
        # the codes used are counted per database, as login() in tests/conftest.py counts them
        page.fill("input[name=code]", totp_code(DATABASES.get(base, base), email))
        page.click("input[type=submit]")
