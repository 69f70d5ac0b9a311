"""What a user of `docker compose up` does, through the ingress's published port: run by deploy/compose-test.sh.

    flows.py work       a resolved Jira ticket becomes a review, approved, a page; a support ticket gets its
                        customer's context and a knowledge suggestion; a story becomes a pull request.
    flows.py scale N    N resolved tickets while one orchestrator and one reviewer replica are killed with
                        `docker kill`: every ticket ends in exactly one document and one review.

Settings come from the environment: KINEXUS_URL, KINEXUS_API_TOKEN, COMPOSE_PROJECT, and COMPOSE (the
docker-compose command line, for `exec` and `run`). Only the standard library: it runs before any venv.
"""
import json
import os
import pathlib
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

URL = os.environ["KINEXUS_URL"]
TOKEN = os.environ["KINEXUS_API_TOKEN"]
PROJECT = os.environ["COMPOSE_PROJECT"]
COMPOSE = shlex.split(os.environ["COMPOSE"])
FIXTURE = pathlib.Path(__file__).resolve().parent.parent / "Fixtures" / "jira-webhooks" / "webhook-issue-updated-resolved.json"


def call(method, path, body=None, headers=None, expect=(200, 201, 202)):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(URL + path, data=data, method=method, headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    if status not in expect:
        raise AssertionError(f"{method} {path} answered {status}: {text}")
    return json.loads(text) if text else None


def until(what, probe, timeout=180):
    """Polls `probe` until it answers something true; fails naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(1)


def resolved_ticket(key, summary):
    body = FIXTURE.read_text().replace("TES-41", key).replace('"Unit test summary 1"', json.dumps(summary))
    answer = call("POST", "/webhooks/jira", body.encode(), {"X-Atlassian-Webhook-Identifier": str(uuid.uuid4())})
    assert answer["accepted"] is True, answer


def documents_of(prefix):
    return [d for d in call("GET", "/documents")["documents"] if d["ticket_key"].startswith(prefix)]


def sql(query):
    result = subprocess.run(COMPOSE + ["exec", "-T", "postgres", "psql", "-U", "kinexus", "-d", "kinexus", "-tAc", query],
                            check=True, capture_output=True, text=True)
    return result.stdout.strip()


def documentation():
    key = f"CMP-{uuid.uuid4().int % 1_000_000}"
    resolved_ticket(key, "Compose test: the export endpoint")
    document = until("a document for " + key, lambda: next(iter(documents_of(key)), None))
    review = until("a review of " + key, lambda: (call("GET", f"/documents/{document['document_id']}").get("reviews") or [None])[0])
    call("POST", f"/reviews/{review['review_id']}/decision", {"decision": "approved", "comment": "Compose test", "reviewer": "admin"},
         {"Prefer": "wait=10"}, expect=(200,))
    until("a page for " + key, lambda: any(page["title"] == document["title"] for page in call("GET", "/pages")["pages"]))
    print(f"documentation: {key} became document {document['document_id']}, review {review['review_id']}, approved, a page")


def support():
    knowledge = pathlib.Path(__file__).resolve().parent.parent.parent / "deploy" / "demo" / "knowledge"
    subprocess.run(COMPOSE + ["run", "--rm", "-T", "-e", f"KINEXUS_API_TOKEN={TOKEN}", "-v", f"{knowledge}:/demo:ro",
                              "kinexus", "demo", "--ingress", "http://ingress:8080", "--knowledge", "/demo"], check=True)
    until("the knowledge indexed", lambda: call("GET", "/kb/search?q=refund&k=1").get("hits"))
    ticket = call("POST", "/tickets", {"customer_external_id": "demo-cust-002",
                                       "subject": "My order is late and I want a refund"}, {"Prefer": "wait=10"})
    enriched = until("the ticket's context", lambda: (lambda t: t if t.get("customer_context") and t.get("kb_suggestions") else None)(
        call("GET", f"/tickets/{ticket['ticket_id']}")))
    assert "churn" in json.dumps(enriched["customer_context"]), enriched
    print(f"support: ticket {ticket['ticket_id']} has its customer's context and {len(enriched['kb_suggestions'])} suggestion(s)")


def code():
    story = call("POST", "/api/stories", {"title": "Order export", "as_a": "shop owner", "i_want": "to download my orders as a CSV file",
                                          "so_that": "my accountant can import them", "story_points": 3, "accept_warnings": True})["story"]
    call("POST", f"/api/stories/{story['id']}/tests", {"title": "Download", "given": ["a shop with 3 orders"],
                                                       "when": ["the owner exports"], "then": ["a CSV file with 3 rows is downloaded"]})
    task = call("POST", f"/api/stories/{story['id']}/generate")
    done = until("the pull request of task " + task["task_id"],
                 lambda: (lambda t: t if t["status"] in ("completed", "failed") else None)(call("GET", f"/api/task/{task['task_id']}")))
    assert done["status"] == "completed" and done.get("branch"), done
    print(f"code: story {story['id']} became branch {done['branch']}")


def replicas(service):
    result = subprocess.run(["docker", "ps", "-q", "--filter", f"label=com.docker.compose.project={PROJECT}",
                             "--filter", f"label=com.docker.compose.service={service}"], check=True, capture_output=True, text=True)
    return result.stdout.split()


def scale(count):
    prefix = f"SCL{uuid.uuid4().int % 10_000}-"
    assert len(replicas("orchestrator")) == 3 and len(replicas("reviewer")) == 2, "scaled to 3 orchestrators and 2 reviewers"
    for n in range(count):
        resolved_ticket(f"{prefix}{n}", f"Scale test ticket {n}")
        if n == count // 3:
            victim = replicas("reviewer")[0]
            subprocess.run(["docker", "kill", victim], check=True, capture_output=True)
            print(f"scale: killed reviewer replica {victim[:12]} after {n + 1} tickets")
            # SIGTERM mid-flow, as `docker compose stop` and Kubernetes do: a stop, not a failure (exit 0, not
            # 137 from a SIGKILL past the grace period).
            victim = replicas("orchestrator")[0]
            subprocess.run(["docker", "stop", victim], check=True, capture_output=True)
            status = subprocess.run(["docker", "inspect", "-f", "{{.State.ExitCode}}", victim],
                                    check=True, capture_output=True, text=True).stdout.strip()
            assert status == "0", f"a stopped orchestrator exited {status}"
            print(f"scale: stopped orchestrator replica {victim[:12]} after {n + 1} tickets: exit 0")
    counts = f"""SELECT count(DISTINCT d.ticket_key), count(DISTINCT d.document_id), count(r.review_id)
                 FROM docs.documents d LEFT JOIN docs.reviews r ON r.document_id = d.document_id
                 WHERE d.ticket_key LIKE '{prefix}%'"""
    until(f"{count} documents and reviews", lambda: sql(counts) == f"{count}|{count}|{count}", timeout=300)
    twice = sql(f"""SELECT count(*) FROM (SELECT d.ticket_key FROM docs.documents d JOIN docs.reviews r ON r.document_id = d.document_id
                    WHERE d.ticket_key LIKE '{prefix}%' GROUP BY d.ticket_key HAVING count(*) > 1) repeated""")
    assert twice == "0", f"{twice} tickets have more than one review"
    print(f"scale: {count} tickets, {count} documents, {count} reviews: nothing lost, nothing twice")


if __name__ == "__main__":
    if sys.argv[1:] == ["work"]:
        documentation()
        support()
        code()
    elif len(sys.argv) == 3 and sys.argv[1] == "scale":
        scale(int(sys.argv[2]))
    else:
        sys.exit(__doc__)
