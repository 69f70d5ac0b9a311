/// One command as binary-safe arguments, sent through hiredis's argv interface.
public struct RedisCommand: Sendable, Equatable {
    public var arguments: [[UInt8]]

    public init(arguments: [[UInt8]]) {
        self.arguments = arguments
    }

    public init(_ arguments: String...) {
        self.arguments = arguments.map { Array($0.utf8) }
    }

    public init(_ arguments: [String]) {
        self.arguments = arguments.map { Array($0.utf8) }
    }

    public mutating func append(_ argument: String) {
        arguments.append(Array(argument.utf8))
    }

    public mutating func append(bytes: [UInt8]) {
        arguments.append(bytes)
    }

    /// The command name, for errors and logs; never the arguments, which may hold secrets.
    public var name: String {
        arguments.first.map { String(decoding: $0, as: UTF8.self).uppercased() } ?? ""
    }

    /// The command in RESP: `*<count>\r\n` then `$<length>\r\n<bytes>\r\n` per argument.
    func encode(into buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "*"))
        buffer.append(contentsOf: String(arguments.count).utf8)
        buffer.append(contentsOf: [0x0D, 0x0A])
        for argument in arguments {
            buffer.append(UInt8(ascii: "$"))
            buffer.append(contentsOf: String(argument.count).utf8)
            buffer.append(contentsOf: [0x0D, 0x0A])
            buffer.append(contentsOf: argument)
            buffer.append(contentsOf: [0x0D, 0x0A])
        }
    }

    var encodedSizeEstimate: Int {
        arguments.reduce(16) { $0 + $1.count + 16 }
    }
}
