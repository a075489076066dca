/// A dictionary by port id, split into 256 dictionaries by a hash of the id.
///
/// The correlation engine keeps a few entries per port, and a change set works on a copy of the
/// committed engine: the first write of a batch to a plain dictionary of 100,000 ports copied all of
/// it (and freeing the old one released every entry), 25 ms for one port created through the API.
/// Split, a write copies the array of 256 shards and the one shard it touches (~400 entries at
/// 100,000 ports). Lookups hash the id once more to find the shard.
struct PortKeyedShards<Value: Sendable>: Sendable {
    private var shards: [[String: Value]] = Array(repeating: [:], count: portShardCount)

    init() {}

    private static func shard(of key: String) -> Int { portShard(of: key) }

    subscript(key: String) -> Value? {
        get { shards[Self.shard(of: key)][key] }
        set { shards[Self.shard(of: key)][key] = newValue }
    }

    @discardableResult
    mutating func removeValue(forKey key: String) -> Value? {
        shards[Self.shard(of: key)].removeValue(forKey: key)
    }

    var count: Int { shards.reduce(0) { $0 + $1.count } }

    /// Every id, shard by shard (in no particular order, as a dictionary's).
    var keys: some Sequence<String> { shards.lazy.flatMap(\.keys) }

    /// Every entry, shard by shard.
    var entries: some Sequence<(key: String, value: Value)> { shards.lazy.flatMap { $0 } }

    /// Removes every entry `shouldRemove` picks; a shard it picks nothing from is left shared.
    mutating func removeAll(where shouldRemove: ((key: String, value: Value)) throws -> Bool) rethrows {
        for index in shards.indices where try shards[index].contains(where: shouldRemove) {
            shards[index] = try shards[index].filter { try !shouldRemove($0) }
        }
    }
}

/// A set of port ids split like ``PortKeyedShards``: inserting or removing one id copies one
/// shard of a set shared with a committed engine, not all of it.
struct PortKeyedSet: Sendable {
    private var shards: [Set<String>] = Array(repeating: [], count: portShardCount)

    init() {}

    func contains(_ id: String) -> Bool { shards[portShard(of: id)].contains(id) }

    mutating func insert(_ id: String) { shards[portShard(of: id)].insert(id) }

    mutating func remove(_ id: String) { shards[portShard(of: id)].remove(id) }

    var count: Int { shards.reduce(0) { $0 + $1.count } }

    /// Inserts many ids (a storm's), each shard grown once rather than rehashed step by step.
    mutating func formUnion(_ groups: [Set<String>]) {
        var byShard = Array(repeating: [String](), count: portShardCount)
        for group in groups {
            for id in group { byShard[portShard(of: id)].append(id) }
        }
        for index in byShard.indices where !byShard[index].isEmpty {
            shards[index].reserveCapacity(shards[index].count + byShard[index].count)
            shards[index].formUnion(byShard[index])
        }
    }

    /// Every id, shard by shard.
    var members: some Sequence<String> { shards.lazy.flatMap { $0 } }
}

private let portShardCount = 256

/// The top byte of the id's hash (a dictionary or set places entries by the low bits of its own hash).
private func portShard(of key: String) -> Int {
    Int(truncatingIfNeeded: UInt(bitPattern: key.hashValue) >> (UInt.bitWidth - 8))
}
