import EventPatterns
import KinexusEvents
import KinexusJSON
import Testing

struct EventPatternTests {
    private func event(_ detail: String) throws -> JSONValue {
        try JSONValue(parsing: #"{"source": "kinexus.jira", "detail-type": "ChangeDetected", "detail": \#(detail)}"#)
    }

    @Test(arguments: [
        (#"{"detail": {"k": "x"}}"#, "detail.k", "must be an array"),
        (#"{"detail": {"k": []}}"#, "detail.k", "empty array"),
        (#"{"detail": {"k": [{"numeric": ["<", 5, "<", 6]}]}}"#, "detail.k", "lower bound"),
        (#"{"detail": {"k": [{"wildcard": "a**b"}]}}"#, "detail.k", "consecutive '*'"),
        (#"{"detail": {"k": [{"cidr": "10.0.0.0/33"}]}}"#, "detail.k", "not a CIDR block"),
        (#"{"detail": {"k": [{"bogus": 1}]}}"#, "detail.k", "unknown operator 'bogus'"),
        (#"{"detail": {"k": [{"anything-but": [1, "a"]}]}}"#, "detail.k", "only strings or only numbers"),
        (#"{"detail": {"k": [{"exists": "yes"}]}}"#, "detail.k", "true or false"),
    ])
    func invalidPatternsNameTheFieldAndTheProblem(pattern: String, field: String, problem: String) {
        #expect {
            try EventPattern(parsing: pattern)
        } throws: { error in
            guard let error = error as? EventPatternError else { return false }
            return error.field == field && error.problem.contains(problem)
        }
    }

    @Test func notJSONIsRejected() {
        #expect(throws: EventPatternError(field: "", problem: "not valid JSON")) {
            try EventPattern(parsing: "{source")
        }
    }

    @Test func arrayOfObjectsMatchesOnlyWithinOneElement() throws {
        let pattern = try EventPattern(parsing: #"{"detail": {"items": {"name": ["a"], "n": [2]}}}"#)
        #expect(!pattern.matches(try event(#"{"items": [{"name": "a", "n": 1}, {"name": "b", "n": 2}]}"#)))
        #expect(pattern.matches(try event(#"{"items": [{"name": "b", "n": 1}, {"name": "a", "n": 2}]}"#)))
    }

    @Test func exactSourceAndDetailTypeValuesNameTheTopics() throws {
        let pattern = try EventPattern(parsing: #"{"source": ["kinexus.jira", "kinexus.github"], "detail-type": ["ChangeDetected"], "detail": {"labels": [{"prefix": "doc"}]}}"#)
        #expect(pattern.exactValues(of: "source") == ["kinexus.jira", "kinexus.github"])
        #expect(pattern.exactValues(of: "detail-type") == ["ChangeDetected"])
        let prefixed = try EventPattern(parsing: #"{"source": [{"prefix": "kinexus."}], "detail-type": ["X"]}"#)
        #expect(prefixed.exactValues(of: "source") == nil)
    }

    @Test func wildcardsHonourEscapes() throws {
        let pattern = try EventPattern(parsing: #"{"detail": {"k": [{"wildcard": "a\\*b*"}]}}"#)
        #expect(pattern.matches(try event(#"{"k": "a*bcd"}"#)))
        #expect(!pattern.matches(try event(#"{"k": "axbcd"}"#)))
    }
}

struct WholeTopicPatternTests {
    @Test(arguments: [
        (#"{"source": ["a"], "detail-type": ["T"]}"#, true),
        (#"{"source": ["a", "b"], "detail-type": ["T", "U"]}"#, true),
        (#"{"source": ["a"], "detail-type": ["T"], "detail": {"k": ["v"]}}"#, false),
        (#"{"source": [{"prefix": "a"}], "detail-type": ["T"]}"#, false),
        (#"{"source": ["a"], "detail-type": ["T"], "$or": [{"account": ["1"]}, {"region": ["r"]}]}"#, false),
        (#"{"source": ["a"]}"#, false),
    ])
    func onlyExactSourcesAndDetailTypesSelectWholeTopics(pattern: String, whole: Bool) throws {
        #expect(try EventPattern(parsing: pattern).selectsWholeTopics == whole)
    }
}
