import NIOCore

/// Encoding of the property flags word and the property list, in the order of the spec:
/// bit 15 content-type down to bit 3 app-id (bit 2 is the deprecated cluster-id).
extension AMQPProperties {
    private enum Flag {
        static let contentType: UInt16 = 1 << 15
        static let contentEncoding: UInt16 = 1 << 14
        static let headers: UInt16 = 1 << 13
        static let deliveryMode: UInt16 = 1 << 12
        static let priority: UInt16 = 1 << 11
        static let correlationID: UInt16 = 1 << 10
        static let replyTo: UInt16 = 1 << 9
        static let expiration: UInt16 = 1 << 8
        static let messageID: UInt16 = 1 << 7
        static let timestamp: UInt16 = 1 << 6
        static let type: UInt16 = 1 << 5
        static let userID: UInt16 = 1 << 4
        static let appID: UInt16 = 1 << 3
        static let clusterID: UInt16 = 1 << 2
        static let continuation: UInt16 = 1
    }

    func write(to buffer: inout ByteBuffer) throws {
        let flagsIndex = buffer.writerIndex
        buffer.writeInteger(UInt16(0))
        var flags: UInt16 = 0
        func shortString(_ value: String?, _ flag: UInt16) throws {
            guard let value else { return }
            flags |= flag
            try buffer.writeAMQPShortString(value)
        }
        try shortString(contentType, Flag.contentType)
        try shortString(contentEncoding, Flag.contentEncoding)
        if let headers {
            flags |= Flag.headers
            try buffer.writeAMQPTable(headers)
        }
        if let deliveryMode {
            flags |= Flag.deliveryMode
            buffer.writeInteger(deliveryMode)
        }
        if let priority {
            flags |= Flag.priority
            buffer.writeInteger(priority)
        }
        try shortString(correlationID, Flag.correlationID)
        try shortString(replyTo, Flag.replyTo)
        try shortString(expiration, Flag.expiration)
        try shortString(messageID, Flag.messageID)
        if let timestamp {
            flags |= Flag.timestamp
            buffer.writeInteger(timestamp)
        }
        try shortString(type, Flag.type)
        try shortString(userID, Flag.userID)
        try shortString(appID, Flag.appID)
        buffer.setInteger(flags, at: flagsIndex)
    }

    static func read(from buffer: inout ByteBuffer) throws -> AMQPProperties {
        var flags = try buffer.readAMQPInteger(as: UInt16.self)
        let primaryFlags = flags
        // A set low bit announces another flags word; the basic class never needs one, skip them.
        while flags & Flag.continuation != 0 { flags = try buffer.readAMQPInteger(as: UInt16.self) }
        func has(_ flag: UInt16) -> Bool { primaryFlags & flag != 0 }
        var properties = AMQPProperties()
        if has(Flag.contentType) { properties.contentType = try buffer.readAMQPShortString() }
        if has(Flag.contentEncoding) { properties.contentEncoding = try buffer.readAMQPShortString() }
        if has(Flag.headers) { properties.headers = try buffer.readAMQPTable() }
        if has(Flag.deliveryMode) { properties.deliveryMode = try buffer.readAMQPInteger() }
        if has(Flag.priority) { properties.priority = try buffer.readAMQPInteger() }
        if has(Flag.correlationID) { properties.correlationID = try buffer.readAMQPShortString() }
        if has(Flag.replyTo) { properties.replyTo = try buffer.readAMQPShortString() }
        if has(Flag.expiration) { properties.expiration = try buffer.readAMQPShortString() }
        if has(Flag.messageID) { properties.messageID = try buffer.readAMQPShortString() }
        if has(Flag.timestamp) { properties.timestamp = try buffer.readAMQPInteger() }
        if has(Flag.type) { properties.type = try buffer.readAMQPShortString() }
        if has(Flag.userID) { properties.userID = try buffer.readAMQPShortString() }
        if has(Flag.appID) { properties.appID = try buffer.readAMQPShortString() }
        if has(Flag.clusterID) { _ = try buffer.readAMQPShortString() }
        return properties
    }
}
