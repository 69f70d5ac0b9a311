"""An author's story becomes a pull request; an agent reads a ticket's context; an admin redrives a dead letter."""
import json
import os
import subprocess
import urllib.request
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import CONSOLE, appears, arrives, button, eventually, field, follow, live, shows, sign_in, titled


def api(method, path, body):
    request = urllib.request.Request(
        CONSOLE + path, data=json.dumps(body).encode(), method=method,
        headers={"Content-Type": "application/json", "Authorization": "Bearer " + os.environ["KINEXUS_API_TOKEN"]})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def test_an_author_accepts_invest_warnings_adds_a_test_and_gets_a_pull_request(browser):
    title = f"Faster search {uuid.uuid4().hex[:6]}"
    sign_in(browser, "otto", "author-password-12")
    browser.get(CONSOLE + "/console/stories")
    field("Title", browser).send_keys(title)
    field("As a", browser).send_keys("shopper")
    field("I want", browser).send_keys("search to be fast and easy")
    button("Create story", browser).click()

    shows(browser, "aside.warnings", "INVEST warnings")
    assert field("I want", browser).get_attribute("value") == "search to be fast and easy", "what was typed stays"
    browser.find_element(By.NAME, "accept_warnings").click()
    button("Create story", browser).click()
    titled(browser, title)
    assert "No INVEST warnings" not in browser.find_element(By.CSS_SELECTOR, "aside.invest").text, "the warnings beside the fields"

    field("Test title", browser).send_keys("Results appear quickly")
    field("Given", browser).send_keys("a catalogue of 10000 products")
    field("When", browser).send_keys("I search for shoes")
    field("Then", browser).send_keys("it feels fast")
    button("Add test", browser).click()
    shows(browser, "div.warnings", "Not measurable")
    then = field("Then", browser)
    then.clear()
    then.send_keys("results are displayed within 500 ms")
    button("Add test", browser).click()
    shows(browser, "#tests", "Then results are displayed within 500 ms")

    button("Generate code & PR", browser).click()
    appears(browser, "#task-status")
    live(browser, lambda: "planning the change" in browser.find_element(By.ID, "transcript").text
         and browser.find_element(By.ID, "task-status").text == "processing", timeout=60)
    live(browser, lambda: browser.find_element(By.ID, "task-status").text == "completed", timeout=120)
    assert "wrote SEARCH.md" in browser.find_element(By.ID, "transcript").text
    assert live(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#task-pull-request a")), "the pull request"
    browser.find_element(By.LINK_TEXT, "the story").click()
    assert "completed" in browser.find_element(By.XPATH, "//h2[text()='Tasks']/..").text


def test_an_author_asks_for_changes_and_the_agent_answers_on_the_same_branch(browser):
    story = api("POST", "/api/stories", {"title": f"Order history {uuid.uuid4().hex[:6]}", "as_a": "shopper",
                                         "i_want": "to see my past orders", "so_that": "I can order again", "story_points": 2})
    task = api("POST", f"/api/stories/{story['story']['id']}/generate", {})
    sign_in(browser, "otto", "author-password-12")
    browser.get(CONSOLE + "/console/tasks/" + task["task_id"])
    live(browser, lambda: browser.find_element(By.ID, "task-status").text == "completed", timeout=120)
    assert "No feedback on the pull request" in browser.find_element(By.ID, "iterations").text

    field("What should change", browser).send_keys("Also list the order dates, newest first.")
    button("Ask for changes", browser).click()
    arrives(browser, "asked=1")
    # The iteration's transcript arrives in the page as the agent writes it (textContent: it folds away once done).
    live(browser, lambda: "reading the feedback" in browser.find_element(
        By.CSS_SELECTOR, "#iteration-1 pre.transcript").get_attribute("textContent"), timeout=120)
    live(browser, lambda: browser.find_element(By.CSS_SELECTOR, "#iteration-1 .status").text == "pushed", timeout=120)
    iteration = browser.find_element(By.ID, "iteration-1").text
    assert "otto asked in the console" in iteration
    assert "Also list the order dates, newest first." in iteration
    assert "Commit" in iteration and "1 file changed" in iteration
    assert "Pushed" in browser.find_element(By.CSS_SELECTOR, "#iteration-1 .answer").text


def test_an_agent_opens_a_ticket_and_sees_the_customers_churn_risk_and_a_suggestion(browser):
    sign_in(browser, "ada", "agent-password-123")
    browser.get(CONSOLE + "/console/support")
    subject = f"API rate limit exceeded again {uuid.uuid4().hex[:6]}"
    ticket = api("POST", "/tickets", {
        "customer_external_id": "demo-cust-002", "subject": subject, "priority": "high",
        "description": "Our integration gets 429 Too Many Requests from the API since this morning."})
    live(browser, lambda: browser.find_elements(By.LINK_TEXT, subject))
    follow(browser, lambda: browser.find_elements(By.LINK_TEXT, subject))
    assert ticket["ticket_id"] in browser.current_url
    assert live(browser, lambda: browser.find_element(By.ID, "churn-risk").text) == "high"
    assert "relevance" in live(browser, lambda: browser.find_element(By.CSS_SELECTOR, "article.suggestion").text)
    Select(field("Rating", browser)).select_by_visible_text("4")
    button("Send feedback", browser).click()
    shows(browser, "p.followed", "your rating was recorded")


def test_a_script_in_a_ticket_subject_shows_as_text(browser):
    sign_in(browser, "ada", "agent-password-123")
    subject = f"<script>alert(1)</script> {uuid.uuid4().hex[:6]}"
    api("POST", "/tickets", {"customer_external_id": "demo-cust-003", "subject": subject})
    browser.get(CONSOLE + "/console/support")
    follow(browser, lambda: browser.find_elements(By.LINK_TEXT, subject))
    assert browser.find_element(By.TAG_NAME, "h1").text == subject
    assert "<script>alert(1)</script>" not in browser.page_source


def test_an_admin_finds_a_dead_letter_and_redrives_it(browser):
    # Feedback on a ticket that was never received, published straight onto the bus: customer-context gives up on it.
    detail = {"ticket_id": f"never-received-{uuid.uuid4().hex[:6]}", "rating": 3, "helpful": True}
    subprocess.run([os.environ["KINEXUS_BIN"] + "/kinexus", "put-events", "--source", "kinexus.support",
                    "--detail-type", "TicketFeedbackSubmitted", "--detail", json.dumps(detail)], check=True, capture_output=True)
    sign_in(browser, "admin", os.environ["KINEXUS_ADMIN_PASSWORD"])
    browser.get(CONSOLE + "/console/operations")
    eventually(browser, lambda: browser.find_elements(By.PARTIAL_LINK_TEXT, "customer-context"))
    follow(browser, lambda: browser.find_elements(By.PARTIAL_LINK_TEXT, "customer-context"))
    letter = appears(browser, "article.letter")
    assert "TicketFeedbackSubmitted" in letter.text
    assert "never received" in letter.text
    letter.find_element(By.XPATH, ".//button[normalize-space()='Redrive']").click()
    shows(browser, "p.followed", "Redriven: 1")


def test_the_console_is_usable_at_390_pixels(browser):
    browser.set_window_size(390, 844)
    sign_in(browser, "rita", "reviewer-password-1")
    for path in ["/", "/console/reviews", "/console/stories", "/console/tasks", "/console/support", "/console/knowledge-gaps",
                 "/console/knowledge"]:
        browser.get(CONSOLE + path)
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways: {width} px"
    # The support lists' rows read as cards, each value beside its column's name, never squeezed into a column
    # that breaks "Customer" into "Cust omer".
    for path in ["/console/support", "/console/knowledge-gaps"]:
        browser.get(CONSOLE + path)
        cells = browser.find_elements(By.CSS_SELECTOR, "table.stacked td")
        assert cells, f"{path} lists nothing"
        assert all(cell.rect["width"] > 300 for cell in cells), f"{path} squeezes its cells"
        assert not browser.find_element(By.CSS_SELECTOR, "table.stacked thead").is_displayed() or \
            browser.find_element(By.CSS_SELECTOR, "table.stacked thead").rect["width"] <= 1
