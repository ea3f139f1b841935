"""Shared Playwright helpers for browser tests: Debian's chromium and axe-core.

Import the fixture into a test module (`from tests.browser import browser_page  # noqa: F401`)
and mark the tests with `@pytest.mark.browser`. Use pytest-django's `live_server`, and
request fixtures that load data through `reference` (e.g. `plan`), since a live-server test
is transactional and flushes the database afterwards.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
# the ORM calls that fixtures make while it is running.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = {"serious", "critical"}


_chromium = None


def chromium(config):
    """The one chromium of the test session, started on first use and closed at the end,
    so that test modules need to import only `browser_page`."""
    global _chromium
    if _chromium is None:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def close():
            global _chromium
            browser.close()
            playwright.stop()
            _chromium = None

        config.add_cleanup(close)
        _chromium = browser
    return _chromium


@pytest.fixture
def browser_page(request):
    """A fresh page in its own context (no cookies carried over), in Danish like most of
    the site's visitors; switch language through the page's own switcher."""
    context = chromium(request.config).new_context(
        locale="da-DK", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_check(page):
    """Run axe-core on the page for WCAG 2.1 A and AA; return the serious and critical
    violations as a list of dicts (id, impact, help, targets)."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in result["violations"]
        if violation["impact"] in SERIOUS
    ]
