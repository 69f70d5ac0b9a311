/// PutEvents' `TraceHeader`, an AWS X-Ray header (`Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=1`), as the
/// W3C `traceparent` Kinexus carries: the same trace id and parent span, so a caller's trace goes on through the bus.
public enum TraceHeader {
    public static func traceparent(fromXRay header: String) -> String? {
        var fields: [Substring: Substring] = [:]
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[pair[0].drop { $0 == " " }] = pair[1] }
        }
        guard let root = fields["Root"], let parent = fields["Parent"] else { return nil }
        let rootParts = root.split(separator: "-")
        guard rootParts.count == 3, rootParts[0] == "1", rootParts[1].count == 8, rootParts[2].count == 24, parent.count == 16 else { return nil }
        let traceID = (rootParts[1] + rootParts[2]).lowercased()
        let spanID = parent.lowercased()
        guard isHex(traceID), isHex(spanID), traceID != String(repeating: "0", count: 32), spanID != String(repeating: "0", count: 16) else {
            return nil
        }
        return "00-\(traceID)-\(spanID)-\(fields["Sampled"] == "1" ? "01" : "00")"
    }

    private static func isHex(_ text: String) -> Bool {
        text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }
}
