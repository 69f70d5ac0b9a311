"""boto3's `test_event_pattern` answers as Kinexus's matcher does, over every case of Tests/Fixtures/event-patterns.jsonl."""
import json

import pytest

from conftest import FIXTURES


def cases():
    with open(FIXTURES / "event-patterns.jsonl") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def test_every_fixture_case_gets_the_matchers_answer(events):
    answered = 0
    for case in cases():
        pattern, event = json.dumps(case["pattern"]), json.dumps(case["event"])
        if case["expected"] == "invalid":
            with pytest.raises(events.exceptions.InvalidEventPatternException):
                events.test_event_pattern(EventPattern=pattern, Event=event)
        else:
            assert events.test_event_pattern(EventPattern=pattern, Event=event)["Result"] is case["expected"], case
        answered += 1
    assert answered == len(cases()) >= 300


def test_the_aws_cli_prints_the_result_of_a_pattern():
    from conftest import aws
    event = {"id": "1", "account": "000000000000", "source": "kinexus.jira", "time": "2026-12-06T10:00:00Z",
             "region": "local", "detail-type": "ChangeDetected", "detail": {"labels": ["needs-docs"]}}
    status, output, stderr = aws("test-event-pattern", "--event-pattern", json.dumps({"detail": {"labels": [{"prefix": "needs"}]}}),
                                 "--event", json.dumps(event))
    assert status == 0, stderr
    assert output == {"Result": True}
    status, _, stderr = aws("test-event-pattern", "--event-pattern", json.dumps({"detail": {"labels": "needs-docs"}}),
                            "--event", json.dumps(event))
    assert status != 0
    assert "InvalidEventPatternException" in stderr


def test_the_bus_is_described_as_eventbridge_describes_the_default_bus(events):
    bus = events.describe_event_bus()
    assert bus["Name"] == "default"
    assert bus["Arn"].startswith("arn:aws:events:") and bus["Arn"].endswith(":event-bus/default")
    assert [listed["Name"] for listed in events.list_event_buses()["EventBuses"]] == ["default"]
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.describe_event_bus(Name="orders")
