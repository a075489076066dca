/// A dictionary by port id, split into 256 dictionaries by a hash of the id.
///
/// The correlation engine keeps a few entries per port, and a change set works on a copy of the
/// committed engine: the first write of a batch to a plain dictionary of 100,000 ports copied all of
/// it (and freeing the old one released every entry), 25 ms for one port created through the API.
/// Split, a write copies the array of 256 shards and the one shard it touches (~400 entries at
/// 100,000 ports). Lookups hash the id once more to find the shard.
struct PortKeyedShards<Value: Sendable>: Sendable {
    private static var shardCount: Int { 256 }
    private var shards: [[String: Value]] = Array(repeating: [:], count: PortKeyedShards.shardCount)

    init() {}

    /// The top byte of the id's hash (a plain dictionary places entries by the low bits of its own hash).
    private static func shard(of key: String) -> Int {
        Int(truncatingIfNeeded: UInt(bitPattern: key.hashValue) >> (UInt.bitWidth - 8))
    }

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
}
