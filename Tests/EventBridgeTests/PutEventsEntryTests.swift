import EventBridgeRules
import Foundation
import KinexusEvents
import KinexusJSON
import Testing

/// PutEvents entries as EventBridge answers them, and as Kinexus's catalog checks them.
struct PutEventsEntryTests {
    static let bus = EventBus(account: "000000000000", region: "local")

    static func entry(_ fields: [String: JSONValue]) -> JSONValue {
        .object(["Source": "acme.orders", "DetailType": "OrderPlaced", "Detail": #"{"order": 7}"#].merging(fields) { $1 })
    }

    static func failure(_ entry: JSONValue) -> EntryFailure? {
        if case .failure(let failure) = PutEventsEntry.envelope(of: entry, on: bus) { failure } else { nil }
    }

    @Test func anEntryBecomesKinexussEnvelope() throws {
        let entry = Self.entry(["Resources": .array(["arn:x"]), "Time": .number(1_790_000_000.5)])
        let envelope = try PutEventsEntry.envelope(of: entry, on: Self.bus).get()
        #expect(envelope.source == "acme.orders" && envelope.detailType == "OrderPlaced")
        #expect(envelope.detail == .object(["order": .number(7)]))
        #expect(envelope.resources == ["arn:x"])
        #expect(envelope.time == Date(timeIntervalSince1970: 1_790_000_000))
        #expect((envelope.account, envelope.region) == ("000000000000", "local"))
    }

    @Test func eachProblemHasEventBridgesCode() {
        #expect(Self.failure(.object(["DetailType": "X", "Detail": "{}"]))?.message
            == "Parameter Source is not valid. Reason: Source is a required argument.")
        #expect(Self.failure(Self.entry(["DetailType": .null]))?.code == "InvalidArgument")
        #expect(Self.failure(Self.entry(["Detail": "{not json"])) == Self.failure(Self.entry(["Detail": "[1]"])))
        #expect(Self.failure(Self.entry(["Detail": "[1]"]))?.code == "MalformedDetail")
        #expect(Self.failure(Self.entry(["Source": "aws.ec2"]))?.code == "NotAuthorizedForSourceException")
        #expect(Self.failure(Self.entry(["EventBusName": "orders"]))?.message == "Event bus orders does not exist.")
        #expect(Self.failure(Self.entry(["EventBusName": .string(Self.bus.arn)])) == nil)
        #expect(Self.failure(Self.entry(["Source": "a:b"]))?.code == "InvalidArgument")
        #expect(Self.failure(Self.entry(["Time": .number(-1)]))?.code == "InvalidArgument")
        #expect(Self.failure(Self.entry(["Time": .number(.infinity)]))?.code == "InvalidArgument")
        #expect(Self.failure(Self.entry(["Resources": .array([.number(1)])]))?.code == "InvalidArgument")
        #expect(Self.failure(Self.entry(["Detail": #"{"a": "\u0000"}"#]))?.code == "InvalidArgument")
        #expect(Self.failure(Self.entry(["Source": "acme\u{0}orders"]))?.code == "InvalidArgument")
        #expect(Self.failure(Self.entry(["Resources": ["arn:\u{0}"]]))?.code == "InvalidArgument")
    }

    @Test func aCatalogTypesDetailMustDecodeAsThatType() {
        let wrong = Self.failure(Self.entry(["Source": "kinexus.jira", "DetailType": "ChangeDetected", "Detail": #"{"ticket": 1}"#]))
        #expect(wrong?.code == "InvalidArgument")
        #expect(wrong?.message.contains("not a valid ChangeDetected") == true)
    }

    @Test func tenEntriesOf256KBInAllAreTheLimit() throws {
        let ten = JSONValue.object(["Entries": .array(Array(repeating: Self.entry([:]), count: 10))])
        #expect(try PutEventsEntry.entries(of: ten).count == 10)
        let eleven = JSONValue.object(["Entries": .array(Array(repeating: Self.entry([:]), count: 11))])
        #expect(throws: AWSRefusal.self) { try PutEventsEntry.entries(of: eleven) }
        let none = JSONValue.object(["Entries": .array([])])
        #expect(throws: AWSRefusal.self) { try PutEventsEntry.entries(of: none) }

        // Source, detail-type and detail count, and 14 bytes for a time: exactly 256 KB passes, a byte more does not.
        let fixed = "acme.orders".utf8.count + "OrderPlaced".utf8.count + 14 + #"{"d":""}"#.utf8.count
        func request(size: Int) -> JSONValue {
            .object(["Entries": .array([Self.entry([
                "Detail": .string(#"{"d":""# + String(repeating: "x", count: size - fixed) + #""}"#), "Time": .number(0),
            ])])])
        }
        #expect(try PutEventsEntry.entries(of: request(size: 256 * 1024)).count == 1)
        let over = #expect(throws: AWSRefusal.self) { try PutEventsEntry.entries(of: request(size: 256 * 1024 + 1)) }
        #expect(over == .validation("Total size of the entries in the request is over the limit."))
    }
}

/// PutEvents' X-Ray `TraceHeader` continues as Kinexus's W3C trace context.
struct TraceHeaderTests {
    @Test func anXRayHeaderBecomesTheSameTraceAndParent() {
        #expect(TraceHeader.traceparent(fromXRay: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
            == "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01")
        #expect(TraceHeader.traceparent(fromXRay: "Root=1-5759E988-BD862E3FE1BE46A994272793; Parent=53995C3F42CD8AD8;Sampled=0")
            == "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-00")
        for bad in ["", "Root=1-5759e988-bd862e3fe1be46a994272793", "Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8",
                    "Root=1-zzzze988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8", "Root=1-00000000-000000000000000000000000;Parent=53995c3f42cd8ad8"] {
            #expect(TraceHeader.traceparent(fromXRay: bad) == nil, "\(bad)")
        }
    }
}
