/// A dictionary split into 256 dictionaries by a hash of the key.
///
/// The correlation engine keeps a few entries per port, and a change set works on a copy of the
/// committed engine: the first write of a batch to a plain dictionary of 100,000 ports copied all of
/// it (and freeing the old one released every entry), 25 ms for one port created through the API.
/// Split, a write copies the array of 256 shards and the one shard it touches (~400 entries at
/// 100,000 ports). Lookups hash the key once more to find the shard.
struct ShardedDictionary<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private var shards: [[Key: Value]] = Array(repeating: [:], count: shardCount)

    init() {}

    subscript(key: Key) -> Value? {
        get { shards[shard(of: key)][key] }
        set { shards[shard(of: key)][key] = newValue }
    }

    @discardableResult
    mutating func removeValue(forKey key: Key) -> Value? {
        shards[shard(of: key)].removeValue(forKey: key)
    }

    /// Changes the value of `key` in place, giving `body` the key as stored (so that equal keys can
    /// share its storage); nil when there is no such key.
    mutating func modifyValue<Result>(forKey key: Key, _ body: (_ storedKey: Key, inout Value) -> Result) -> Result? {
        let slot = shard(of: key)
        guard let index = shards[slot].index(forKey: key) else { return nil }
        return body(shards[slot].keys[index], &shards[slot].values[index])
    }

    var count: Int { shards.reduce(0) { $0 + $1.count } }

    /// Every key, shard by shard (in no particular order, as a dictionary's).
    var keys: some Sequence<Key> { shards.lazy.flatMap(\.keys) }

    /// Every value, shard by shard.
    var values: some Sequence<Value> { shards.lazy.flatMap(\.values) }

    /// Every entry, shard by shard.
    var entries: some Sequence<(key: Key, value: Value)> { shards.lazy.flatMap { $0 } }

    /// Removes every entry `shouldRemove` picks; a shard it picks nothing from is left shared.
    mutating func removeAll(where shouldRemove: ((key: Key, value: Value)) throws -> Bool) rethrows {
        for index in shards.indices where try shards[index].contains(where: shouldRemove) {
            shards[index] = try shards[index].filter { try !shouldRemove($0) }
        }
    }
}

/// The engine's maps by port id.
typealias PortKeyedShards<Value: Sendable> = ShardedDictionary<String, Value>

/// A set of port ids split like ``PortKeyedShards``: inserting or removing one id copies one
/// shard of a set shared with a committed engine, not all of it.
struct PortKeyedSet: Sendable {
    private var shards: [Set<String>] = Array(repeating: [], count: shardCount)

    init() {}

    func contains(_ id: String) -> Bool { shards[shard(of: id)].contains(id) }

    mutating func insert(_ id: String) { shards[shard(of: id)].insert(id) }

    mutating func remove(_ id: String) { shards[shard(of: id)].remove(id) }

    var count: Int { shards.reduce(0) { $0 + $1.count } }

    /// Inserts many ids (a storm's), each shard grown once rather than rehashed step by step. Only
    /// the ids not there yet count: a second storm over ports already down neither grows nor copies
    /// a shard.
    mutating func formUnion(_ groups: [Set<String>]) {
        var byShard = Array(repeating: [String](), count: shardCount)
        for group in groups {
            for id in group {
                let index = shard(of: id)
                if !shards[index].contains(id) { byShard[index].append(id) }
            }
        }
        for index in byShard.indices where !byShard[index].isEmpty {
            shards[index].reserveCapacity(shards[index].count + byShard[index].count)
            shards[index].formUnion(byShard[index])
        }
    }

    /// Every id, shard by shard.
    var members: some Sequence<String> { shards.lazy.flatMap { $0 } }
}

private let shardCount = 256

/// The top byte of the key's hash (a dictionary or set places entries by the low bits of its own hash).
private func shard(of key: some Hashable) -> Int {
    Int(truncatingIfNeeded: UInt(bitPattern: key.hashValue) >> (UInt.bitWidth - 8))
}
