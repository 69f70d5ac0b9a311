/// What is kept of an output stream: all of it up to `limit` bytes; past that, its first and last halves
/// and how much was cut between them (an agent's transcript can be endless).
struct CappedOutput {
    let limit: Int
    private var head: [UInt8] = []
    private var tail: [UInt8] = []
    /// Where the next tail byte goes once the tail is full: it is a ring.
    private var tailStart = 0
    private(set) var total = 0

    init(limit: Int) {
        self.limit = max(limit, 2)
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            total += 1
            if head.count < limit / 2 {
                head.append(byte)
            } else if tail.count < limit - limit / 2 {
                tail.append(byte)
            } else {
                tail[tailStart] = byte
                tailStart = (tailStart + 1) % tail.count
            }
        }
    }

    var text: String {
        let ordered = Array(tail[tailStart...] + tail[..<tailStart])
        let cut = total - head.count - ordered.count
        guard cut > 0 else { return String(decoding: head + ordered, as: UTF8.self) }
        return String(decoding: head, as: UTF8.self) + "\n[… \(cut) bytes cut …]\n" + String(decoding: ordered, as: UTF8.self)
    }
}
