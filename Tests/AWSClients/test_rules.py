"""A rule made with boto3 posts matching events to a local HTTP server through an API destination, as EventBridge
would post them to a chat webhook: transformed, once each, retried through 5xx, dead-lettered at a 400 and redriven."""
import http.server
import json
import subprocess
import threading
import time
import uuid

import pytest

from conftest import BIN


class Webhook:
    """A chat webhook on a free loopback port: records each request and answers the statuses it is given, then 200."""

    def __init__(self):
        self.requests, self.answers, self.lock = [], [], threading.Lock()
        webhook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with webhook.lock:
                    webhook.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    status = webhook.answers.pop(0) if webhook.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *arguments):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self, count, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.05)
        with self.lock:
            return list(self.requests)


@pytest.fixture
def webhook():
    hook = Webhook()
    yield hook
    hook.server.shutdown()


def chat_rule(events, webhook, retry_attempts=185):
    """A connection, an API destination at the webhook, and a rule sending its events there as chat messages."""
    name = f"orders-chat-{uuid.uuid4().hex[:8]}"
    source = f"acme.{name}"
    connection = events.create_connection(
        Name=name, AuthorizationType="API_KEY",
        AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "X-Chat-Token", "ApiKeyValue": "chat-token-123"}})
    destination = events.create_api_destination(
        Name=name, ConnectionArn=connection["ConnectionArn"], InvocationEndpoint=webhook.url + "/hooks/orders",
        HttpMethod="POST", InvocationRateLimitPerSecond=20)
    events.put_rule(Name=name, EventPattern=json.dumps({"source": [source], "detail-type": ["OrderPlaced"]}))
    answer = events.put_targets(Rule=name, Targets=[{
        "Id": "chat", "Arn": destination["ApiDestinationArn"],
        "InputTransformer": {"InputPathsMap": {"order": "$.detail.order", "customer": "$.detail.customer"},
                             "InputTemplate": '{"text": "New order <order> from <customer>"}'},
        "RetryPolicy": {"MaximumRetryAttempts": retry_attempts, "MaximumEventAgeInSeconds": 3600},
    }])
    assert answer["FailedEntryCount"] == 0
    return name, source


def put(events, source, *orders):
    answer = events.put_events(Entries=[
        {"Source": source, "DetailType": "OrderPlaced", "Detail": json.dumps({"order": order, "customer": f"customer {order}"})}
        for order in orders])
    assert answer["FailedEntryCount"] == 0
    return [entry["EventId"] for entry in answer["Entries"]]


def test_matching_events_reach_the_webhook_once_each_transformed(events, webhook):
    name, source = chat_rule(events, webhook)
    ids = put(events, source, 1, 2, 3)
    received = webhook.received(3)
    assert sorted(json.loads(request["body"])["text"] for request in received) == [
        "New order 1 from customer 1", "New order 2 from customer 2", "New order 3 from customer 3"]
    assert sorted(request["headers"]["Idempotency-Key"] for request in received) == sorted(ids)
    assert all(request["headers"]["X-Chat-Token"] == "chat-token-123" for request in received)
    assert all(request["path"] == "/hooks/orders" for request in received)
    time.sleep(1)  # nothing more comes: each event once
    assert len(webhook.requests) == 3
    rules = [rule["Name"] for rule in events.list_rules(NamePrefix=name)["Rules"]]
    assert rules == [name]
    assert events.list_targets_by_rule(Rule=name)["Targets"][0]["InputTransformer"]["InputTemplate"].startswith('{"text"')
    assert "chat-token-123" not in json.dumps(events.describe_connection(Name=name), default=str)


def trace(event_id):
    done = subprocess.run([str(BIN / "kinexus"), "trace", event_id, "--json"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def test_a_failing_webhook_gets_the_event_after_retries_and_the_trace_shows_them(events, webhook):
    name, source = chat_rule(events, webhook)
    webhook.answers = [500, 503, 502]
    [event_id] = put(events, source, 7)
    received = webhook.received(4)
    assert [request["headers"]["Idempotency-Key"] for request in received] == [event_id] * 4
    group = f"rule.{name}.chat"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        [step] = trace(event_id)
        outcome = next(outcome for outcome in step["groups"] if outcome["group"] == group)
        if outcome["status"] == "handled":
            break
        time.sleep(0.1)
    assert outcome == {"group": group, "status": "handled", "attempts": 4}, step


def dlq(*arguments):
    done = subprocess.run([str(BIN / "kinexus"), "dlq", *arguments], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def test_a_refused_event_is_dead_lettered_at_once_and_redriven_to_the_webhook(events, webhook):
    name, source = chat_rule(events, webhook)
    webhook.answers = [400]
    [event_id] = put(events, source, 9)
    group = f"rule.{name}.chat"
    deadline = time.monotonic() + 60
    letters = []
    while not letters and time.monotonic() < deadline:
        letters = dlq("list", "--group", group)
        time.sleep(0.1)
    assert [letter["event_id"] for letter in letters] == [event_id]
    assert len(webhook.requests) == 1
    dlq("redrive", "--group", group, "--all")
    received = webhook.received(2)
    assert [request["headers"]["Idempotency-Key"] for request in received] == [event_id, event_id]


def test_the_services_subscriptions_are_listed_as_managed_rules(events):
    managed = [rule for rule in events.list_rules(NamePrefix="kinexus.orchestrator.")["Rules"]]
    assert managed and all(rule["ManagedBy"] == "kinexus" for rule in managed)
    patterns = [json.loads(rule["EventPattern"]) for rule in managed]
    assert any("ChangeDetected" in pattern.get("detail-type", []) for pattern in patterns)
    with pytest.raises(events.exceptions.ManagedRuleException):
        events.delete_rule(Name=managed[0]["Name"])
