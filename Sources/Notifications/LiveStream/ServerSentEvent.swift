import PortwatchCore

/// Server-Sent Events framing (`text/event-stream`) of outbox records.
public enum ServerSentEvent {
    /// `id: <sequence>\nevent: <event_type>\ndata: <payload JSON>\n\n`.
    public static func frame(_ record: OutboxRecord, into output: inout [UInt8]) {
        output.append(contentsOf: "id: \(record.sequence)\nevent: \(record.event.eventType)\n".utf8)
        var lineStart = true
        for byte in record.event.payload {
            if lineStart {
                output.append(contentsOf: "data: ".utf8)
                lineStart = false
            }
            if byte == UInt8(ascii: "\n") {
                output.append(byte)
                lineStart = true
            } else if byte != UInt8(ascii: "\r") {
                output.append(byte)
            }
        }
        if lineStart { output.append(contentsOf: "data: ".utf8) }
        output.append(contentsOf: "\n\n".utf8)
    }

    /// A comment line, which clients ignore: `: <text>\n\n`.
    public static func comment(_ text: String) -> [UInt8] {
        Array(": \(text)\n\n".utf8)
    }
}
