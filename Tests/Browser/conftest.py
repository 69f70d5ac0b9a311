"""The console in Debian's chromium, driven by Selenium, against the services `deploy/local.sh test` started."""
import json
import os
import pathlib
import time
import urllib.error
import urllib.request
import uuid

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

# No default: run without the services, the suite fails here rather than skipping.
CONSOLE = os.environ["KINEXUS_CONSOLE_URL"]
SCREENSHOTS = pathlib.Path(os.environ.get("KINEXUS_SCREENSHOTS", "/tmp/kinexus-screenshots"))
FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "Fixtures" / "jira-webhooks"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "report_" + report.when, report)


@pytest.fixture
def browser(request):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    yield driver
    report = getattr(request.node, "report_call", None)
    if report is None or report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{request.node.name}.png"
        driver.save_screenshot(str(path))
        print(f"screenshot: {path}")
    driver.quit()


def sign_in(driver, name, password):
    driver.get(CONSOLE + "/console/sign-in")
    field("Username", driver).send_keys(name)
    field("Password", driver).send_keys(password)
    button("Sign in", driver).click()
    appears(driver, "header.bar")


def field(label, driver):
    """The form field a person finds by its label."""
    target = driver.find_element(By.XPATH, f"//label[normalize-space()='{label}']").get_attribute("for")
    return driver.find_element(By.ID, target)


def button(text, driver):
    return driver.find_element(By.XPATH, f"//button[normalize-space()='{text}']")


def buttons(text, driver):
    return driver.find_elements(By.XPATH, f"//button[normalize-space()='{text}']")


# What finding and reading an element can meet while the event stream replaces the region holding it, or while
# a form's answer replaces the document: Chromium then reports a node of the old one as a plain WebDriverException.
REPLACED = (NoSuchElementException, StaleElementReferenceException, WebDriverException)


def appears(driver, css, timeout=15):
    """The element once the page showing it has loaded."""
    return WebDriverWait(driver, timeout, ignored_exceptions=REPLACED).until(lambda d: d.find_elements(By.CSS_SELECTOR, css))[0]


def shows(driver, css, text, timeout=15):
    """Waits until the element `css` of the page a form led to holds `text`; answers its text."""
    def holding(d):
        found = d.find_element(By.CSS_SELECTOR, css).text
        return found if text in found else False
    return WebDriverWait(driver, timeout, ignored_exceptions=REPLACED).until(holding)


def arrives(driver, fragment, timeout=15):
    """Waits until a form's answer has led to an address holding `fragment`."""
    WebDriverWait(driver, timeout).until(lambda d: fragment in d.current_url)


def titled(driver, title, timeout=15):
    """Waits for the page whose heading is `title`: the one a form's answer led to."""
    WebDriverWait(driver, timeout, ignored_exceptions=REPLACED).until(
        lambda d: d.find_element(By.TAG_NAME, "h1").text == title)


def live(driver, find, timeout=60):
    """Waits until the page shows what `find` looks for, and proves the page was never reloaded: the console's
    event stream updated it in place."""
    driver.execute_script("window.kinexusStillHere = true")
    found = WebDriverWait(driver, timeout, poll_frequency=0.2, ignored_exceptions=REPLACED).until(lambda d: find())
    assert driver.execute_script("return window.kinexusStillHere === true"), "the page was reloaded"
    return found


def follow(driver, find, timeout=60):
    """Clicks what `find` answers once the page shows it (live): a region the event stream replaced between
    finding and clicking is looked up again."""
    def clicked(d):
        try:
            found = find()
            if not found:
                return False
            found[0].click()
            return True
        except REPLACED:
            return False
    WebDriverWait(driver, timeout, poll_frequency=0.2).until(clicked)


def eventually(driver, find, timeout=60):
    """Reloads the page until `find` answers something, as a person waiting would."""
    deadline = time.monotonic() + timeout
    while True:
        found = find()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not found within {timeout} s on {driver.current_url}")
        time.sleep(0.5)
        driver.refresh()


def resolved_ticket(summary):
    """A resolved Jira ticket with a new key, through the ingress's webhook; answers its key."""
    key = f"WEB-{uuid.uuid4().int % 1_000_000}"
    fixture = (FIXTURES / "webhook-issue-updated-resolved.json").read_text()
    body = fixture.replace("TES-41", key).replace('"Unit test summary 1"', json.dumps(summary))
    request = urllib.request.Request(
        CONSOLE + "/webhooks/jira", data=body.encode(), method="POST",
        headers={"Content-Type": "application/json", "X-Atlassian-Webhook-Identifier": str(uuid.uuid4())})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["accepted"] is True
    return key


def open_review(driver, title):
    """From the review queue, the review of the document titled `title`."""
    driver.get(CONSOLE + "/console/reviews")
    follow(driver, lambda: driver.find_elements(By.LINK_TEXT, title))


def post_form(driver, path, fields, origin=CONSOLE):
    """A form post outside the browser with its session cookie: what a forger holding the session would send."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies}
    if origin:
        headers["Origin"] = origin
    request = urllib.request.Request(CONSOLE + path, data=urllib.parse.urlencode(fields).encode(), headers=headers, method="POST")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
