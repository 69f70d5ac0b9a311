"""A question the knowledge base cannot answer becomes an article an agent asks for and a reviewer decides on."""
import json
import os
import time
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By

from conftest import CONSOLE, arrives, button, eventually, field, follow, live, sign_in
from test_work import api

ANSWER = "Turn on dark mode under Settings, Appearance, Theme: the dashboard then stays dark."


def search(query):
    request = urllib.request.Request(CONSOLE + "/kb/search?q=" + urllib.parse.quote(query),
                                     headers={"Authorization": "Bearer " + os.environ["KINEXUS_API_TOKEN"]})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def gap_link(browser):
    return [link for link in browser.find_elements(By.CSS_SELECTOR, "#gap-list a")
            if link.text in ("Dark mode", "Dashboard dark mode")]


def test_a_knowledge_gap_becomes_a_reviewed_article_that_answers_the_next_ticket(browser):
    first = api("POST", "/tickets", {"customer_external_id": "demo-cust-001", "subject": "Dark mode",
                                     "description": "Is there a dark mode for the dashboard?"})
    api("POST", "/tickets", {"customer_external_id": "demo-cust-004", "subject": "Dashboard dark mode",
                             "description": "How do I turn on dark mode in the dashboard?"})

    # An agent records how the first was answered, finds the gap and asks for its article.
    sign_in(browser, "ada", "agent-password-123")
    browser.get(CONSOLE + "/console/support/" + first["ticket_id"])
    field("Answer given", browser).send_keys(ANSWER)
    button("Resolve", browser).click()
    arrives(browser, "resolved=1")
    browser.get(CONSOLE + "/console/knowledge-gaps")
    follow(browser, lambda: eventually(browser, lambda: gap_link(browser)))
    gap = browser.current_url
    eventually(browser, lambda: ANSWER in browser.find_element(By.TAG_NAME, "main").text)
    assert browser.find_element(By.ID, "gap-status").text == "open"
    button("Draft an article", browser).click()
    arrives(browser, "requested=1")
    eventually(browser, lambda: browser.find_elements(By.ID, "gap-review"))
    button("Sign out", browser).click()

    # A reviewer reads the article with the tickets behind it, asks for a revision, then approves.
    sign_in(browser, "rita", "reviewer-password-1")
    browser.get(gap)
    assert browser.find_element(By.ID, "gap-status").text == "in review"
    browser.find_element(By.ID, "gap-review").click()
    origin = browser.find_element(By.ID, "knowledge-article").text
    assert "Knowledge article" in origin and ANSWER in origin, origin
    assert ANSWER in browser.find_element(By.CSS_SELECTOR, "article.document").text
    field("Comment", browser).send_keys("Say that the theme is chosen per user.")
    button("Needs revision", browser).click()
    arrives(browser, "submitted=1")
    follow(browser, lambda: browser.find_elements(By.LINK_TEXT, "the next review"))
    assert "version 2" in browser.find_element(By.CSS_SELECTOR, "p.meta").text
    assert "per user" in browser.find_element(By.CSS_SELECTOR, "article.document").text
    button("Approve", browser).click()
    arrives(browser, "submitted=1")
    live(browser, lambda: browser.find_elements(By.LINK_TEXT, "the published page"))

    # The gap closes; once indexed, the article answers the next customer who asks.
    browser.get(gap)
    eventually(browser, lambda: browser.find_element(By.ID, "gap-status").text == "closed")
    article = browser.find_element(By.ID, "gap-article").get_attribute("href")
    deadline = time.monotonic() + 60
    while not any(hit["source"] == article for hit in search("dark mode dashboard")["hits"]):
        assert time.monotonic() < deadline, "the article was never indexed"
        time.sleep(0.5)
    later = api("POST", "/tickets", {"customer_external_id": "demo-cust-002", "subject": "Dark theme",
                                     "description": "Can I switch the dashboard to dark mode?"})
    browser.get(CONSOLE + "/console/support/" + later["ticket_id"])
    # Its page exists once customer-context has received it: a person would look again.
    eventually(browser, lambda: "There is no ticket" not in browser.find_element(By.TAG_NAME, "body").text)
    suggestion = live(browser, lambda: [s for s in browser.find_elements(By.CSS_SELECTOR, "article.suggestion")
                                         if "relevance" in s.text and article in s.text])
    assert suggestion
