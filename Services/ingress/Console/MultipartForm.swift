/// The fields of a `multipart/form-data` body (RFC 7578), as a browser sends a form with a file input: no
/// multipart library is at hand, and this reads only what a form sends. Anything malformed is nil, never a trap.
struct MultipartForm: Sendable {
    struct Part: Sendable, Equatable {
        let name: String
        let filename: String?
        let contentType: String?
        let body: [UInt8]
    }

    let parts: [Part]

    static let mostParts = 100
    static let longestHeaders = 8 * 1024

    /// The `boundary` parameter of a `multipart/form-data` content type.
    static func boundary(contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2 ? String(pair[1].dropFirst().dropLast()) : pair[1]
            // RFC 2046's bchars: a boundary of anything else is not one a browser made.
            let allowed = value.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)
                || "'()+_,-./:=? ".unicodeScalars.contains($0)) }
            return (1...70).contains(value.utf8.count) && allowed && !value.hasSuffix(" ") ? value : nil
        }
        return nil
    }

    init?(body: [UInt8], boundary: String) {
        let delimiter = Array("--\(boundary)".utf8)
        guard var cursor = Self.find(delimiter, in: body, from: 0) else { return nil }
        var parts: [Part] = []
        while true {
            cursor += delimiter.count
            if Self.starts(with: [0x2D, 0x2D], in: body, at: cursor) { break }
            guard Self.starts(with: [0x0D, 0x0A], in: body, at: cursor), parts.count < Self.mostParts else { return nil }
            cursor += 2
            guard let headersEnd = Self.find([0x0D, 0x0A, 0x0D, 0x0A], in: body, from: cursor),
                  headersEnd - cursor <= Self.longestHeaders,
                  let headers = String(validating: body[cursor..<headersEnd], as: UTF8.self),
                  let next = Self.find([0x0D, 0x0A] + delimiter, in: body, from: headersEnd + 4)
            else { return nil }
            guard let part = Self.part(headers: headers, body: Array(body[(headersEnd + 4)..<next])) else { return nil }
            parts.append(part)
            cursor = next + 2
        }
        self.parts = parts
    }

    /// A text field's value.
    func field(_ name: String) -> String? {
        parts.first { $0.name == name && $0.filename == nil }.flatMap { String(validating: $0.body, as: UTF8.self) }
    }

    /// A file input's file, when one was chosen.
    func file(_ name: String) -> Part? {
        parts.first { $0.name == name && !($0.filename ?? "").isEmpty }
    }

    private static func part(headers: String, body: [UInt8]) -> Part? {
        var name: String?, filename: String?, contentType: String?
        for line in headers.split(separator: "\r\n") {
            let header = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard header.count == 2 else { return nil }
            switch header[0].lowercased() {
            case "content-disposition":
                let parameters = Self.parameters(header[1])
                name = parameters["name"]
                filename = parameters["filename"]
            case "content-type":
                contentType = header[1].split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            default:
                continue
            }
        }
        guard let name else { return nil }
        return Part(name: name, filename: filename, contentType: contentType, body: body)
    }

    /// `form-data; name="file"; filename="a.md"`: the parameters, quotes removed (a quoted `;` stays).
    static func parameters(_ value: String) -> [String: String] {
        var parameters: [String: String] = [:]
        var pieces: [String] = [], current = "", quoted = false
        for character in value {
            if character == "\"" { quoted.toggle() }
            if character == ";" && !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            var text = pair[1]
            if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
            parameters[pair[0].lowercased()] = text.replacingOccurrences(of: "\\\"", with: "\"")
        }
        return parameters
    }

    private static func starts(with prefix: [UInt8], in bytes: [UInt8], at index: Int) -> Bool {
        index >= 0 && index <= bytes.count - prefix.count && bytes[index..<(index + prefix.count)].elementsEqual(prefix)
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, start >= 0, bytes.count >= needle.count else { return nil }
        var index = start
        while index <= bytes.count - needle.count {
            if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
