"""A reviewer decides in the console; a viewer only looks."""
import uuid

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

from conftest import CONSOLE, arrives, button, buttons, follow, live, shows, field, open_review, post_form, resolved_ticket, sign_in


def test_a_reviewer_approves_a_generated_document_then_finds_the_published_page(browser):
    title = f"Export rate limits {uuid.uuid4().hex[:6]}"
    sign_in(browser, "rita", "reviewer-password-1")
    browser.get(CONSOLE + "/console/reviews")
    key = resolved_ticket(title)
    follow(browser, lambda: browser.find_elements(By.LINK_TEXT, title))
    assert browser.find_element(By.TAG_NAME, "h1").text == title
    assert key in browser.find_element(By.TAG_NAME, "main").text
    assert browser.find_elements(By.CSS_SELECTOR, "table.diff td.add"), "the side-by-side diff"
    assert browser.find_elements(By.CSS_SELECTOR, "article.document h1, article.document p"), "the proposed page, rendered"

    button("Approve", browser).click()
    arrives(browser, "submitted=1")
    live(browser, lambda: browser.find_elements(By.LINK_TEXT, "the published page"))
    follow(browser, lambda: browser.find_elements(By.LINK_TEXT, "the published page"))
    assert browser.title.startswith(title)
    assert browser.find_elements(By.CSS_SELECTOR, "article.document")

    browser.get(CONSOLE + "/console/pages")
    assert browser.find_elements(By.LINK_TEXT, title), "the page is among the published pages"


def test_a_revision_request_produces_a_new_version_on_the_same_review_page(browser):
    title = f"Webhook retries {uuid.uuid4().hex[:6]}"
    resolved_ticket(title)
    sign_in(browser, "rita", "reviewer-password-1")
    open_review(browser, title)
    first = browser.current_url

    button("Needs revision", browser).click()
    shows(browser, "[role=alert]", "Say in the comment what should change")

    field("Comment", browser).send_keys("Add an example request.")
    button("Needs revision", browser).click()
    arrives(browser, "submitted=1")
    live(browser, lambda: browser.find_elements(By.LINK_TEXT, "the next review"))
    assert browser.current_url.startswith(first)
    assert "Decided: needs revision by rita — “Add an example request.”" in browser.find_element(By.ID, "outcome").text
    browser.find_element(By.LINK_TEXT, "the next review").click()
    assert "version 2" in browser.find_element(By.CSS_SELECTOR, "p.meta").text
    assert buttons("Approve", browser), "the new version waits for a decision"


def test_a_viewer_sees_no_decision_buttons_and_a_forged_decision_is_refused(browser):
    title = f"Audit log export {uuid.uuid4().hex[:6]}"
    resolved_ticket(title)
    sign_in(browser, "vic", "viewer-password-12")
    open_review(browser, title)
    assert not buttons("Approve", browser)
    assert not buttons("Reject", browser)
    path = browser.current_url.removeprefix(CONSOLE).split("?")[0] + "/decision"
    token = browser.find_element(By.CSS_SELECTOR, "form.who input[name=csrf]").get_attribute("value")
    assert post_form(browser, path, {"csrf": token, "decision": "approved"}) == 403
    browser.refresh()
    assert "Decided" not in browser.find_element(By.ID, "outcome").text


def test_a_script_in_a_ticket_summary_shows_as_text(browser):
    title = f"<script>alert(1)</script> {uuid.uuid4().hex[:6]}"
    resolved_ticket(title)
    sign_in(browser, "rita", "reviewer-password-1")
    open_review(browser, title)
    assert browser.find_element(By.TAG_NAME, "h1").text == title, "the summary is text on the page"
    assert "<script>alert(1)</script>" not in browser.page_source
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text
