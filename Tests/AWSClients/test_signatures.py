"""Signature Version 4 refusals, as the SDK reports them against AWS."""
import datetime
import json
import urllib.error
import urllib.request
from unittest import mock

import botocore.exceptions
import pytest
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import ENDPOINT, KEY_ID, SECRET, client


def error_code(call):
    with pytest.raises(botocore.exceptions.ClientError) as refused:
        call()
    return refused.value.response["Error"]["Code"], refused.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_a_wrong_secret_an_unknown_key_and_no_signature_are_refused():
    assert error_code(lambda: client(secret="not-the-secret").list_event_buses()) == ("InvalidSignatureException", 400)
    assert error_code(lambda: client(key_id="KXSOMEONEELSE").list_event_buses()) == ("UnrecognizedClientException", 400)
    assert error_code(lambda: client(signature_version=UNSIGNED).list_event_buses()) == ("MissingAuthenticationTokenException", 400)


def signed_put_events(at):
    """A PutEvents request botocore signs as if its clock read `at`."""
    body = json.dumps({"Entries": [{"Source": "acme.replay", "DetailType": "Replayed", "Detail": "{}"}]})
    request = AWSRequest(method="POST", url=ENDPOINT, data=body,
                         headers={"X-Amz-Target": "AWSEvents.PutEvents", "Content-Type": "application/x-amz-json-1.1"})
    with mock.patch("botocore.auth.get_current_datetime", return_value=at):
        SigV4Auth(Credentials(KEY_ID, SECRET), "events", "us-east-1").add_auth(request)
    return urllib.request.Request(ENDPOINT, data=body.encode(), headers=dict(request.headers), method="POST")


def send(request):
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def test_a_request_replayed_twenty_minutes_later_is_refused_and_a_fresh_one_accepted():
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    fresh = signed_put_events(now)
    assert fresh.headers["X-amz-date"] == now.strftime("%Y%m%dT%H%M%SZ")
    status, answer = send(fresh)
    assert status == 200 and answer["FailedEntryCount"] == 0
    status, answer = send(signed_put_events(now - datetime.timedelta(minutes=20)))
    assert status == 400
    assert answer["__type"] == "InvalidSignatureException"
    assert answer["message"].startswith("Signature expired:")
