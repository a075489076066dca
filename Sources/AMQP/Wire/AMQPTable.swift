/// An AMQP field table: string keys mapped to ``AMQPFieldValue``s, kept in insertion order so that
/// encoding is deterministic.
///
/// ```swift
/// let capabilities: AMQPTable = ["publisher_confirms": true, "connection.blocked": true]
/// var headers = AMQPTable()
/// headers["x-retries"] = .int32(3)
/// ```
public struct AMQPTable: Hashable, Sendable, ExpressibleByDictionaryLiteral {
    /// The entries, in the order they are encoded.
    public private(set) var entries: [Entry]

    /// One key and its value.
    public struct Entry: Hashable, Sendable {
        /// The key, a short string (at most 255 bytes of UTF-8).
        public var key: String
        /// The value.
        public var value: AMQPFieldValue
    }

    /// Creates an empty table.
    public init() { entries = [] }

    public init(dictionaryLiteral elements: (String, AMQPFieldValue)...) {
        entries = []
        for (key, value) in elements { self[key] = value }
    }

    /// The number of entries.
    public var count: Int { entries.count }

    /// Whether the table has no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// The value for `key`; setting `nil` removes the entry, setting an existing key keeps its position.
    public subscript(key: String) -> AMQPFieldValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            let index = entries.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?): entries[index].value = value
            case (let index?, nil): entries.remove(at: index)
            case (nil, let value?): entries.append(Entry(key: key, value: value))
            case (nil, nil): break
            }
        }
    }
}
