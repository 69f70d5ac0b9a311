"""The ingress's AWS endpoint driven by the real AWS CLI and boto3, against the services `deploy/local.sh test` started."""
import json
import os
import pathlib
import subprocess

import boto3
import pytest
from botocore.config import Config

# No default: run without the services, the suite fails here rather than skipping.
INGRESS = os.environ["KINEXUS_INGRESS_URL"]
ENDPOINT = INGRESS + "/aws/events"
KEY_ID, SECRET = os.environ["KINEXUS_AWS_CREDENTIALS"].split(",")[0].split(":", 1)
BIN = pathlib.Path(os.environ["KINEXUS_BIN"])
FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "Fixtures"
AWS = pathlib.Path(__file__).resolve().parent.parent.parent / ".venv" / "bin" / "aws"

# The clients read nothing of this machine's own AWS configuration, and never retry: a refusal is seen as it is.
CLIENT_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_MAX_ATTEMPTS": "1",
    "AWS_PAGER": "",
}


def client(key_id=KEY_ID, secret=SECRET, **config):
    return boto3.client("events", endpoint_url=ENDPOINT, region_name="us-east-1", aws_access_key_id=key_id,
                        aws_secret_access_key=secret, config=Config(retries={"max_attempts": 1}, **config))


@pytest.fixture
def events():
    return client()


def aws(*arguments, tmp_path=None):
    """`aws events …` against the endpoint: (exit status, parsed output or None, stderr)."""
    environment = {"PATH": os.environ["PATH"], **CLIENT_ENVIRONMENT}
    done = subprocess.run([str(AWS), "events", *arguments, "--endpoint-url", ENDPOINT, "--output", "json"],
                          capture_output=True, text=True, env=environment, timeout=120)
    output = json.loads(done.stdout) if done.stdout.strip() else None
    return done.returncode, output, done.stderr


def tap(pattern, count, start="-10m", timeout=120):
    """The first `count` events since `start` that `pattern` matches, as `kinexus tap` prints them; it waits for them."""
    done = subprocess.run([str(BIN / "kinexus"), "tap", "--pattern", json.dumps(pattern), f"--from={start}", "--count", str(count)],
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
