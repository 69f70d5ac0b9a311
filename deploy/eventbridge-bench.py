"""EventBridge's API under load (BENCHMARKS.md, "EventBridge's API"), with nothing but Python's standard library.

  eventbridge-bench.py sign ENDPOINT ENTRIES OUT   a PutEvents request of ENTRIES entries, signed now, as a wrk script
                                                    (a signature holds 15 minutes; the server checks it on every request)
  eventbridge-bench.py deliver ENDPOINT RATE SECONDS   a rule to an HTTP sink of this process; events put at RATE per
                                                    second; each delivery's latency from its PutEvents call to the sink
Credentials come from KINEXUS_AWS_CREDENTIALS (its first KEY:SECRET pair)."""
import datetime
import hashlib
import hmac
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid

KEY_ID, SECRET = os.environ["KINEXUS_AWS_CREDENTIALS"].split(",")[0].split(":", 1)


def signed(endpoint, operation, body):
    """Headers of a Signature Version 4 request to `endpoint`, as the SDKs sign it."""
    url = urllib.parse.urlsplit(endpoint)
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date, date = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    headers = {"content-type": "application/x-amz-json-1.1", "host": url.netloc, "x-amz-date": amz_date,
               "x-amz-target": f"AWSEvents.{operation}"}
    names = sorted(headers)
    canonical = "\n".join(["POST", url.path or "/", "", "".join(f"{name}:{headers[name]}\n" for name in names), ";".join(names),
                           hashlib.sha256(body).hexdigest()])
    scope = f"{date}/us-east-1/events/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + SECRET).encode()
    for part in (date, "us-east-1", "events", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = f"AWS4-HMAC-SHA256 Credential={KEY_ID}/{scope}, SignedHeaders={';'.join(names)}, Signature={signature}"
    del headers["host"]
    return headers


def call(endpoint, operation, payload):
    body = json.dumps(payload).encode()
    request = urllib.request.Request(endpoint, data=body, headers=signed(endpoint, operation, body), method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def entries(count, source):
    return [{"Source": source, "DetailType": "OrderPlaced",
             "Detail": json.dumps({"order": n, "customer": "bench customer", "lines": [{"sku": "A-1", "qty": 2}], "total": 120.5})}
            for n in range(count)]


def sign(endpoint, count, out):
    body = json.dumps({"Entries": entries(count, "bench.orders")}).encode()
    headers = signed(endpoint, "PutEvents", body)
    with open(out, "w") as script:
        script.write("wrk.method = \"POST\"\n")
        script.write(f"wrk.body = {json.dumps(body.decode())}\n")
        for name, value in headers.items():
            script.write(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}\n")


def deliver(endpoint, rate, seconds):
    received, lock = {}, threading.Lock()

    class Sink(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                received[self.headers["Idempotency-Key"]] = time.monotonic()
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *arguments):
            pass

    sink = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    name = f"bench-{uuid.uuid4().hex[:8]}"
    source = f"bench.{name}"
    connection = call(endpoint, "CreateConnection", {"Name": name, "AuthorizationType": "NONE"})
    destination = call(endpoint, "CreateApiDestination", {
        "Name": name, "ConnectionArn": connection["ConnectionArn"], "HttpMethod": "POST",
        "InvocationEndpoint": f"http://127.0.0.1:{sink.server_address[1]}/events", "InvocationRateLimitPerSecond": 300})
    call(endpoint, "PutRule", {"Name": name, "EventPattern": json.dumps({"source": [source]})})
    put_targets = time.monotonic()
    call(endpoint, "PutTargets", {"Rule": name, "Targets": [{"Id": "sink", "Arn": destination["ApiDestinationArn"]}]})
    # The rule goes live when the event-router next polls (each second); the first event, of a source new to the
    # bus, is delivered then. The figures below are of a live rule.
    first = call(endpoint, "PutEvents", {"Entries": entries(1, source)})["Entries"][0]["EventId"]
    while first not in received:
        time.sleep(0.001)
    print(f"a new rule's first delivery, an event of a new source: {(received[first] - put_targets) * 1000:.0f} ms after PutTargets")
    sent, interval, start = {}, 1 / rate, time.monotonic()
    for n in range(int(rate * seconds)):
        time.sleep(max(0, start + n * interval - time.monotonic()))
        before = time.monotonic()
        answer = call(endpoint, "PutEvents", {"Entries": entries(1, source)})
        sent[answer["Entries"][0]["EventId"]] = before
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with lock:
            if all(event in received for event in sent):
                break
        time.sleep(0.1)
    latencies = sorted((received[event] - at) * 1000 for event, at in sent.items() if event in received)
    def at(q):
        return latencies[min(len(latencies) - 1, int(len(latencies) * q))]
    print(f"rule delivery, PutEvents → the endpoint, {len(latencies)} of {len(sent)} events at {rate}/s: "
          f"p50 {at(0.5):.1f} ms, p99 {at(0.99):.1f} ms, max {latencies[-1]:.1f} ms")
    sink.shutdown()


if __name__ == "__main__":
    if sys.argv[1] == "sign":
        sign(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        deliver(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
