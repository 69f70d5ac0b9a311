/// A cache that holds at most `capacity` entries, each for at most `timeToLive`: past capacity the least
/// recently used entry goes; an expired entry is a miss. Every operation is O(1): a dictionary into a
/// doubly linked list kept in arrays. A value type: share one behind a lock.
public struct ExpiringLRUCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Node: Sendable {
        var key: Key
        var value: Value
        var expires: ContinuousClock.Instant
        var newer: Int?
        var older: Int?
    }

    public let capacity: Int
    public let timeToLive: Duration
    private var nodes: [Node] = []
    private var free: [Int] = []
    private var index: [Key: Int] = [:]
    private var newest: Int?
    private var oldest: Int?

    public init(capacity: Int, timeToLive: Duration) {
        self.capacity = max(1, capacity)
        self.timeToLive = timeToLive
    }

    public var count: Int { index.count }

    /// The value while it is fresh, marked as just used; nil when absent or expired (which removes it).
    public mutating func value(for key: Key, now: ContinuousClock.Instant = .now) -> Value? {
        guard let slot = index[key] else { return nil }
        guard nodes[slot].expires > now else {
            remove(key)
            return nil
        }
        unlink(slot)
        pushNewest(slot)
        return nodes[slot].value
    }

    public mutating func set(_ value: Value, for key: Key, now: ContinuousClock.Instant = .now) {
        if let slot = index[key] {
            nodes[slot].value = value
            nodes[slot].expires = now + timeToLive
            unlink(slot)
            pushNewest(slot)
            return
        }
        if index.count >= capacity, let oldest { remove(nodes[oldest].key) }
        let node = Node(key: key, value: value, expires: now + timeToLive)
        let slot: Int
        if let reused = free.popLast() {
            nodes[reused] = node
            slot = reused
        } else {
            nodes.append(node)
            slot = nodes.count - 1
        }
        index[key] = slot
        pushNewest(slot)
    }

    public mutating func remove(_ key: Key) {
        guard let slot = index.removeValue(forKey: key) else { return }
        unlink(slot)
        free.append(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let (newer, older) = (nodes[slot].newer, nodes[slot].older)
        if let newer { nodes[newer].older = older } else { newest = older }
        if let older { nodes[older].newer = newer } else { oldest = newer }
        nodes[slot].newer = nil
        nodes[slot].older = nil
    }

    private mutating func pushNewest(_ slot: Int) {
        nodes[slot].older = newest
        if let newest { nodes[newest].newer = slot }
        newest = slot
        if oldest == nil { oldest = slot }
    }
}
