"""`aws events put-events` and boto3's `put_events`: each entry answered on its own, the good ones on Kinexus's bus."""
import json
import uuid

import botocore.exceptions
import pytest

from conftest import aws, tap


def test_ten_entries_one_malformed_give_nine_ids_and_one_error_and_the_nine_reach_the_bus(tmp_path):
    source = f"acme.orders.{uuid.uuid4().hex[:8]}"
    ticket = f"AWS-{uuid.uuid4().hex[:6].upper()}"
    change = {
        "change_id": str(uuid.uuid4()), "origin": "jira", "ticket_key": ticket, "ticket_type": "Story",
        "summary": "Orders can be exported as CSV", "description": "The orders page gains an Export button that downloads CSV.",
        "labels": ["needs-docs"], "components": [], "fix_versions": [], "acceptance_criteria": [], "api_paths": [],
        "doc_comments": [], "documentation_type": "feature",
    }
    entries = [{"Source": source, "DetailType": "OrderPlaced", "Detail": json.dumps({"order": n})} for n in range(8)]
    entries.insert(3, {"Source": source, "DetailType": "OrderPlaced", "Detail": "{not json"})
    entries.append({"Source": "kinexus.jira", "DetailType": "ChangeDetected", "Detail": json.dumps(change)})
    path = tmp_path / "entries.json"
    path.write_text(json.dumps(entries))

    status, output, stderr = aws("put-events", "--entries", f"file://{path}")

    assert status == 0, stderr
    assert output["FailedEntryCount"] == 1
    answers = output["Entries"]
    assert len(answers) == 10
    assert answers[3] == {"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}
    ids = [answer["EventId"] for index, answer in enumerate(answers) if index != 3]
    assert len(set(ids)) == 9
    orders = tap({"source": [source], "detail-type": ["OrderPlaced"]}, count=8)
    assert [event["id"] for event in orders] == ids[:8]
    assert [event["detail"]["order"] for event in orders] == list(range(8))
    # The change goes the way of one from a Jira webhook: a document, then a review of it.
    review = tap({"source": ["kinexus.reviewer"], "detail-type": ["ReviewRequested"], "detail": {"ticket_key": [ticket]}}, count=1)
    assert review[0]["detail"]["ticket_key"] == ticket


def test_boto3_puts_events_with_a_time_and_resources(events):
    source = f"acme.billing.{uuid.uuid4().hex[:8]}"
    answer = events.put_events(Entries=[{
        "Source": source, "DetailType": "InvoicePaid", "Detail": json.dumps({"invoice": "INV-7"}),
        "Resources": ["arn:acme:invoice/INV-7"], "Time": "2026-12-01T09:30:00Z",
    }])
    assert answer["FailedEntryCount"] == 0
    [event] = tap({"source": [source]} | {"detail-type": ["InvoicePaid"]}, count=1)
    assert event["id"] == answer["Entries"][0]["EventId"]
    assert event["time"] == "2026-12-01T09:30:00Z"
    assert event["resources"] == ["arn:acme:invoice/INV-7"]
    assert event["detail"] == {"invoice": "INV-7"}


def test_eleven_entries_are_refused_as_aws_refuses_them(tmp_path):
    path = tmp_path / "entries.json"
    path.write_text(json.dumps([{"Source": "acme", "DetailType": "X", "Detail": "{}"}] * 11))
    status, _, stderr = aws("put-events", "--entries", f"file://{path}")
    assert status != 0
    assert "(ValidationException) when calling the PutEvents operation" in stderr
    assert "length less than or equal to 10" in stderr


def test_257_kb_of_entries_are_refused_as_aws_refuses_them(events):
    detail = json.dumps({"blob": "x" * (257 * 1024)})
    with pytest.raises(botocore.exceptions.ClientError) as refused:
        events.put_events(Entries=[{"Source": "acme", "DetailType": "Big", "Detail": detail}])
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert refused.value.response["Error"]["Message"] == "Total size of the entries in the request is over the limit."
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
