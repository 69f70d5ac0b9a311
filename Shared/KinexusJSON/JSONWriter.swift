/// Serializes `JSONValue` straight to UTF-8 bytes: every published event is written once, and
/// JSONEncoder's Codable walk costs several times this.
public enum JSONWriter {
    public static func write(_ value: JSONValue, into bytes: inout [UInt8], sortedKeys: Bool = false) {
        switch value {
        case .string(let text):
            writeString(text, into: &bytes)
        case .number(let number):
            writeNumber(number, into: &bytes)
        case .bool(let flag):
            bytes.append(contentsOf: flag ? Array("true".utf8) : Array("false".utf8))
        case .null:
            bytes.append(contentsOf: Array("null".utf8))
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element, into: &bytes, sortedKeys: sortedKeys)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let fields):
            bytes.append(UInt8(ascii: "{"))
            let ordered = sortedKeys ? fields.sorted { $0.key < $1.key } : Array(fields)
            for (index, field) in ordered.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(field.key, into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                write(field.value, into: &bytes, sortedKeys: sortedKeys)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    public static func writeString(_ text: String, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Runs that need no escaping are copied whole.
            var runStart = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscaped(byte, into: &bytes)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ byte: UInt8, into bytes: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                      hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }

    /// Whole numbers print without a fraction (`3`, not `3.0`); JSON has no NaN or infinity, so those are null.
    static func writeNumber(_ number: Double, into bytes: inout [UInt8]) {
        guard number.isFinite else {
            bytes.append(contentsOf: Array("null".utf8))
            return
        }
        if number.rounded() == number, abs(number) < 1e15 {
            bytes.append(contentsOf: Array(String(Int64(number)).utf8))
        } else {
            bytes.append(contentsOf: Array(number.description.utf8))
        }
    }
}
