import NIOCore

/// Finds where each JSON-RPC message ends in OVSDB's byte stream.
///
/// OVSDB (RFC 7047 §3.1) sends JSON-RPC 1.0 messages back to back with no delimiter, so the only
/// boundary is the brace that closes the top-level object. The splitter tracks nesting depth and
/// whether it is inside a string (where braces and escaped quotes do not count), and resumes where
/// it stopped when more bytes arrive, so a message split across reads is scanned once.
///
/// ```swift
/// var splitter = JSONObjectSplitter(maximumMessageSize: 64 << 20)
/// while let message = try splitter.nextMessage(from: &buffer) {
///     let value = try JSONValue(decoding: message.readableBytesView)
/// }
/// ```
public struct JSONObjectSplitter: Sendable {
    /// The largest message accepted, in bytes; a longer one fails with
    /// ``OVSDBError/Code/messageTooLarge`` as soon as the bound is crossed.
    public let maximumMessageSize: Int

    /// Bytes of the pending message already scanned, counted from the buffer's reader index.
    private var scanned = 0
    private var depth = 0
    private var inString = false
    private var escaped = false

    /// 64 MiB: ovsdb-server's own default bound for one JSON-RPC message is far below this, so only
    /// a broken peer reaches it.
    public static let defaultMaximumMessageSize = 64 << 20

    /// Creates a splitter.
    public init(maximumMessageSize: Int = JSONObjectSplitter.defaultMaximumMessageSize) {
        self.maximumMessageSize = maximumMessageSize
    }

    /// Removes and returns the next complete top-level JSON object (or array) from `buffer`, or
    /// `nil` when the buffer holds only part of one. Whitespace between messages is skipped.
    ///
    /// - Throws: ``OVSDBError`` with ``OVSDBError/Code/messageTooLarge`` past the bound, or
    ///   ``OVSDBError/Code/malformedMessage`` when a message does not start with `{` or `[`.
    public mutating func nextMessage(from buffer: inout ByteBuffer) throws(OVSDBError) -> ByteBuffer? {
        if scanned == 0 {
            skipWhitespace(in: &buffer)
            guard let first = buffer.readableBytesView.first else { return nil }
            guard first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else {
                throw OVSDBError(
                    code: .malformedMessage,
                    message: "expected a JSON object, found byte 0x\(String(first, radix: 16)) between messages")
            }
        }
        let end = buffer.withUnsafeReadableBytes { bytes in scan(bytes) }
        if let end {
            let message = buffer.readSlice(length: end)
            resetState()
            return message
        }
        if scanned >= maximumMessageSize {
            throw OVSDBError(
                code: .messageTooLarge,
                message: "a JSON-RPC message is longer than \(maximumMessageSize) bytes")
        }
        return nil
    }

    /// Scans from `scanned` on; returns the message length when the top-level value closes.
    private mutating func scan(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var index = scanned
        let limit = min(bytes.count, maximumMessageSize)
        while index < limit {
            let byte = bytes[index]
            index += 1
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    scanned = index
                    return index
                }
            default:
                break
            }
        }
        scanned = index
        return nil
    }

    private func skipWhitespace(in buffer: inout ByteBuffer) {
        let count = buffer.readableBytesView.prefix { byte in
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\t")
        }.count
        buffer.moveReaderIndex(forwardBy: count)
    }

    private mutating func resetState() {
        scanned = 0
        depth = 0
        inString = false
        escaped = false
    }
}
