import Foundation
import KinexusEvents

/// What the orchestrator needs to write about a ticket, read from the webhook into ChangeDetected.
public enum ChangeContext {
    /// Comments mentioning these words are passed on to the writer, newest last.
    static let documentationWords = ["doc", "readme", "api"]
    static let commentsKept = 5

    public static func changeDetected(
        from webhook: JiraWebhook, changeID: String, storyPointsField: String = "customfield_10016"
    ) -> ChangeDetected {
        let described = apiPaths(in: [webhook.summary, webhook.description])
        let commented = apiPaths(in: webhook.comments.map(\.body)).filter { !described.contains($0) }
        return ChangeDetected(
            changeID: changeID, origin: "jira", ticketKey: webhook.issueKey, ticketType: webhook.issueType,
            summary: webhook.summary, description: webhook.description, priority: webhook.priority,
            labels: webhook.labels, components: webhook.components, fixVersions: webhook.fixVersions,
            storyPoints: webhook.number(field: storyPointsField),
            acceptanceCriteria: acceptanceCriteria(in: webhook.description),
            apiPaths: described + commented,
            docComments: documentationComments(webhook.comments + (webhook.comment.map { [$0] } ?? [])),
            documentationType: documentationType(labels: webhook.labels, issueType: webhook.issueType,
                                                 hasAPIPaths: !described.isEmpty),
            url: webhook.issueURL)
    }

    /// The lines under an "Acceptance Criteria" heading, or Given/When/Then lines anywhere.
    public static func acceptanceCriteria(in description: String) -> [String] {
        let lines = description.split(whereSeparator: \.isNewline).map(trimmed)
        let headingCharacters = CharacterSet(charactersIn: "#*: ")
        if let heading = lines.firstIndex(where: {
            $0.lowercased().trimmingCharacters(in: headingCharacters).hasPrefix("acceptance criteria")
        }) {
            let items = lines[(heading + 1)...].prefix { !isHeading($0) }.map(stripBullet).filter { !$0.isEmpty }
            if !items.isEmpty { return items }
        }
        return lines.map(stripBullet).filter { line in
            let start = line.prefix(6).lowercased()
            return ["given ", "when ", "then ", "and "].contains { start.hasPrefix($0) }
        }
    }

    static let httpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].map { Array($0.unicodeScalars) }
    static let methodsByInitial = Dictionary(grouping: httpMethods) { $0[0] }
    static let pathCharacters = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-/{}.:".unicodeScalars)

    /// `GET /v1/users`-style mentions, each once, in order of appearance: a method as a whole word, white
    /// space, then a path. Scanned by hand: a Swift Regex is parsed anew on every call, which cost the ingress
    /// three quarters of its throughput. Each method compared at every scalar took a 300 KB description seconds
    /// in the debug build, past the request deadline.
    public static func apiPaths(in texts: [String]) -> [String] {
        var seen: [String] = []
        for text in texts {
            let scalars = Array(text.unicodeScalars)
            var index = 0
            while index < scalars.count {
                guard let method = method(at: index, in: scalars), index == 0 || !isWordCharacter(scalars[index - 1]) else {
                    index += 1
                    continue
                }
                var start = index + method.count
                while start < scalars.count, scalars[start].properties.isWhitespace { start += 1 }
                guard start > index + method.count, start < scalars.count, scalars[start] == "/" else {
                    index += method.count
                    continue
                }
                var end = start + 1
                while end < scalars.count, pathCharacters.contains(scalars[end]) { end += 1 }
                let path = String(String.UnicodeScalarView(method)) + " " + String(String.UnicodeScalarView(scalars[start..<end]))
                let mention = path.trimmingCharacters(in: CharacterSet(charactersIn: ".:"))
                if !seen.contains(mention) { seen.append(mention) }
                index = end
            }
        }
        return seen
    }

    /// The method spelled from `index`, compared scalar by scalar only where one begins: most scalars are not an
    /// ASCII capital, told by their value for less than a lookup of the methods.
    private static func method(at index: Int, in scalars: [Unicode.Scalar]) -> [Unicode.Scalar]? {
        let value = scalars[index].value
        guard value >= 0x41, value <= 0x5A else { return nil }
        for method in methodsByInitial[scalars[index]] ?? [] where index + method.count <= scalars.count {
            var matched = 1
            while matched < method.count, scalars[index + matched] == method[matched] { matched += 1 }
            if matched == method.count { return method }
        }
        return nil
    }

    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    static func documentationComments(_ comments: [JiraWebhook.Comment]) -> [String] {
        Array(comments.map(\.body).filter { body in
            let lowered = body.lowercased()
            return documentationWords.contains { lowered.contains($0) }
        }.suffix(commentsKept))
    }

    /// `breaking-change`, `api`, `feature` or `general`.
    public static func documentationType(labels: [String], issueType: String, hasAPIPaths: Bool) -> String {
        let labels = Set(labels.map { $0.lowercased() })
        if labels.contains("breaking-change") { return "breaking-change" }
        if labels.contains("api-change") || hasAPIPaths { return "api" }
        if labels.contains("new-feature") || ["Story", "Epic", "New Feature"].contains(issueType) { return "feature" }
        return "general"
    }

    /// `## Notes` or `Notes:`, but not a bullet that ends with a colon.
    private static func isHeading(_ line: String) -> Bool {
        line.hasPrefix("#") || (line.hasSuffix(":") && !"-*•".contains(line.first ?? " "))
    }

    private static let bulletCharacters = Set("-*•0123456789.) ")

    private static func stripBullet(_ line: String) -> String {
        var text = Substring(line)
        while let first = text.first, bulletCharacters.contains(first) { text = text.dropFirst() }
        if text.hasPrefix("[ ]") || text.hasPrefix("[x]") { text = text.dropFirst(3) }
        return trimmed(text)
    }

    /// Without white space at either end; Foundation's `trimmingCharacters` copies the whole text through UTF-16
    /// first, a fifth of a 300 KB description's intake.
    private static func trimmed(_ text: Substring) -> String {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }), let last = text.lastIndex(where: { !$0.isWhitespace }) else {
            return ""
        }
        return String(text[first...last])
    }
}
