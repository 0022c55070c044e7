"""The API docs page in a real browser: Swagger UI renders under the strict CSP, offline."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_docs_page_renders_with_no_csp_violation(page, live_server, artifacts_dir):
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server.url) else outside.append(request.url)
        ),
    )
    # The page reports every violation to the console; this also catches them in the DOM.
    page.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    response = page.goto(f"{live_server.url}/api/docs/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Resonance API")
    expect(page.get_by_text("/api/organizations/{id}/latest-result/")).to_be_visible()
    page.locator(".opblock-summary", has_text="/api/cycles/{id}/answers/").first.click()
    expect(page.get_by_text("Save your own answers to the cycle").first).to_be_visible()
    assert page.evaluate("window.__csp") == []
    assert problems == []
    assert outside == [], "the docs page works offline: nothing from another origin"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(artifacts_dir / "api-docs.png"), full_page=False)
