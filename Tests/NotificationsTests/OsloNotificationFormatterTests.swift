import AMQP
import Foundation
import PortwatchCore
import Testing

@testable import Notifications

/// The oslo `messagingv2` format against the real message Neutron 29 published
/// (`Tests/Fixtures/notification-port.update.end.*`).
struct OsloNotificationFormatterTests {
    let raw = try! String(
        contentsOf: fixtures.appendingPathComponent("notification-port.update.end.raw.json"), encoding: .utf8
    )
    .trimmingCharacters(in: .whitespacesAndNewlines)
    let namespace = UUID(uuidString: "3F2504E0-4F89-41D3-9A0C-0305E82C3301")!

    /// The captured inner message text (Python's `json.dumps` output).
    var capturedInner: String {
        let envelope = try! JSONSerialization.jsonObject(with: Data(raw.utf8)) as! [String: Any]
        return envelope["oslo.message"] as! String
    }

    /// The captured record: its payload (compact, as Portwatch stores it) and its context.
    func capturedRecord(sequence: Int64 = 42) -> OutboxRecord {
        let inner = capturedInner
        let start = inner.range(of: #""payload": "#)!.upperBound
        let end = inner.range(of: #", "timestamp": "#)!.lowerBound
        let payload = Self.compact(String(inner[start..<end]))
        var context = NotificationContext(
            Identity(
                userID: nil, projectID: "fake_project_id", roles: ["admin"],
                requestID: "req-e8224c7c-6e28-4e64-9f26-63a3b1d00460"))
        context.roles = ["member", "reader", "admin"]  // keystone's order, as the capture has it
        var components = DateComponents()
        (components.year, components.month, components.day) = (2026, 11, 25)
        (components.hour, components.minute, components.second) = (19, 28, 52)
        components.nanosecond = 850_358_500
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let occurredAt = calendar.date(from: components)!
        return OutboxRecord(
            sequence: sequence,
            event: OutboxEvent(
                eventType: "port.update.end", resourceType: "port", resourceID: "690f8512-b3d2-4db4-8334-24e8ccfd7336",
                projectID: "fake_project_id", payload: Array(payload.utf8), context: context, occurredAt: occurredAt))
    }

    /// Python-separated JSON to compact JSON (no spaces outside strings).
    static func compact(_ text: String) -> String {
        var output = ""
        var inString = false
        var escaped = false
        for character in text {
            if inString {
                output.append(character)
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inString = false
                }
            } else if character == "\"" {
                inString = true
                output.append(character)
            } else if character != " " {
                output.append(character)
            }
        }
        return output
    }

    var formatter: OsloNotificationFormatter {
        OsloNotificationFormatter(publisherHost: "neutron-anchor", namespace: namespace)
    }

    @Test func bodyIsTheCapturedMessageExceptItsIDsAndContextTimestamp() throws {
        let notification = formatter.format(capturedRecord())
        let body = String(decoding: notification.body, as: UTF8.self)
        let envelope = try #require(try JSONSerialization.jsonObject(with: Data(notification.body)) as? [String: Any])
        let ours = try #require(envelope["oslo.message"] as? String)
        let capturedIDs = try #require(
            try JSONSerialization.jsonObject(with: Data(capturedInner.utf8)) as? [String: Any])
        let ourIDs = try #require(try JSONSerialization.jsonObject(with: Data(ours.utf8)) as? [String: Any])
        // Byte for byte, once the per-message random values are swapped in.
        var expected = capturedInner
        for key in ["message_id", "_unique_id", "_context_timestamp"] {
            expected = expected.replacingOccurrences(
                of: "\"\(key)\": \"\(capturedIDs[key] as! String)\"", with: "\"\(key)\": \"\(ourIDs[key] as! String)\"")
        }
        #expect(ours == expected)
        #expect(body.hasPrefix(#"{"oslo.version": "2.0", "oslo.message": "{\"message_id\": \""#))
        #expect(body.hasSuffix(#"\"_context_can_set_project_id\": true}"}"#))
    }

    @Test func fieldByFieldAgainstTheDecodedCapture() throws {
        let decoded = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: fixtures.appendingPathComponent("notification-port.update.end.decoded.json")))
                as? [String: Any])
        let envelope = try #require(
            try JSONSerialization.jsonObject(with: Data(formatter.format(capturedRecord()).body)) as? [String: Any])
        #expect(Set(envelope.keys) == ["oslo.version", "oslo.message"])
        #expect(envelope["oslo.version"] as? String == "2.0")
        let inner = try #require(
            try JSONSerialization.jsonObject(with: Data((envelope["oslo.message"] as! String).utf8)) as? [String: Any])
        #expect(Set(inner.keys) == Set(decoded.keys))
        for key in decoded.keys.sorted() where !["message_id", "_unique_id", "_context_timestamp"].contains(key) {
            #expect(
                same(inner[key], decoded[key]),
                "\(key): \(String(describing: inner[key])) != \(String(describing: decoded[key]))")
        }
        #expect(inner["timestamp"] as? String == "2026-11-25 19:28:52.850358")
    }

    @Test func idsAreUUID4ShapedAndDeterministic() throws {
        let first = formatter.format(capturedRecord(sequence: 7))
        let again = formatter.format(capturedRecord(sequence: 7))
        let next = formatter.format(capturedRecord(sequence: 8))
        let otherDatabase = OsloNotificationFormatter(publisherHost: "neutron-anchor", namespace: UUID()).format(
            capturedRecord(sequence: 7))
        #expect(first.body == again.body)
        #expect(first.messageID != next.messageID)
        #expect(first.messageID != otherDatabase.messageID)
        let uuid4 = try Regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        #expect(first.messageID.wholeMatch(of: uuid4) != nil)
        let inner = try #require(try JSONSerialization.jsonObject(with: Data(first.message)) as? [String: Any])
        #expect(inner["message_id"] as? String == first.messageID)
        let unique = try #require(inner["_unique_id"] as? String)
        #expect(unique.wholeMatch(of: try Regex("^[0-9a-f]{32}$")) != nil)
    }

    @Test func memberContextMatchesTheHeadersCapture() throws {
        let decoded = try #require(
            try JSONSerialization.jsonObject(
                with: Data(
                    contentsOf: fixtures.appendingPathComponent(
                        "notification-port.update.end.headers-dpi-member.decoded.json")))
                as? [String: Any])
        var record = capturedRecord()
        record.event.context = NotificationContext(
            Identity(
                userID: "u-dpi2", projectID: "proj-a", roles: ["data_plane_integrator", "member", "reader"],
                requestID: "req-x"))
        let inner = try #require(
            try JSONSerialization.jsonObject(with: Data(formatter.format(record).message)) as? [String: Any])
        for key in decoded.keys
        where key.hasPrefix("_context_") && !["_context_request_id", "_context_timestamp"].contains(key) {
            #expect(same(inner[key], decoded[key]), "\(key)")
        }
    }

    @Test func nonASCIIIsEscapedAsPythonDoes() throws {
        var record = capturedRecord()
        record.event.payload = Array(#"{"port":{"name":"café 🚀","description":"a\"b\\c"}}"#.utf8)
        let notification = formatter.format(record)
        #expect(notification.body.allSatisfy { $0 < 0x80 })
        let message = String(decoding: notification.message, as: UTF8.self)
        #expect(message.contains(#""payload": {"port": {"name": "caf\u00e9 \ud83d\ude80", "description": "a\"b\\c"}}"#))
        let inner = try #require(try JSONSerialization.jsonObject(with: Data(notification.message)) as? [String: Any])
        let port = (inner["payload"] as? [String: Any])?["port"] as? [String: Any]
        #expect(port?["name"] as? String == "café 🚀")
    }

    /// What the AMQP sink publishes (``OsloNotificationFormatter/body(_:)``) is ``format(_:)``'s body, for
    /// the captured message and for a payload that is not ASCII (the one-pass path declines it).
    @Test func publishedBodyIsTheFormattedBody() {
        var record = capturedRecord()
        #expect(formatter.body(record) == formatter.format(record).body)
        record.event.payload = Array(#"{"port":{"name":"café 🚀","description":"a\"b\\c"}}"#.utf8)
        #expect(formatter.body(record) == formatter.format(record).body)
    }

    /// The publisher formats a batch at once, writing the `_context_*` members once per run of equal
    /// contexts: each body must be the one the record gets on its own, whichever context came before.
    @Test func aBatchGivesEachRecordTheBodyItGetsAlone() {
        let first = capturedRecord()
        var other = first
        other.event.context.requestID = "req-other"
        other.event.context.userName = "alice"
        var service = first
        service.event.context.roles = ["service"]
        service.event.context.isAdmin = false
        var equalButApart = first
        equalButApart.event.context.userName = first.event.context.userName  // a box of its own, equal values
        let contexts = [first, first, other, first, service, service, equalButApart, other]
        let records = contexts.enumerated().map { index, template in
            var record = template
            record.sequence = 100 + Int64(index)
            record.event.occurredAt += Double(index) * 0.25
            return record
        }
        let bodies = formatter.bodies(records)
        #expect(bodies == records.map { formatter.format($0).body })
        #expect(bodies == records.map { formatter.body($0) })
        #expect(Set(bodies).count == records.count)
    }

    @Test func amqpPropertiesAreKombus() throws {
        let captured = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: fixtures.appendingPathComponent("notification-port.update.end.amqp.json")))
                as? [String: Any])
        let properties = try #require(captured["properties"] as? [String: Any])
        let ours = AMQPNotificationSink.properties
        #expect(ours.contentType == properties["content_type"] as? String)
        #expect(ours.contentEncoding == properties["content_encoding"] as? String)
        #expect(ours.deliveryMode.map(Int.init) == properties["delivery_mode"] as? Int)
        #expect(ours.priority.map(Int.init) == properties["priority"] as? Int)
        #expect(ours.headers?.isEmpty == true)
        let options = try AMQPSinkOptions(url: "amqp://guest:guest@127.0.0.1:5673/")
        #expect(options.exchange == captured["exchange"] as? String)
        #expect(options.routingKey == captured["routing_key"] as? String)
    }

    @Test func sinkURLOverrides() throws {
        let options = try AMQPSinkOptions(url: "amqp://u:p@rabbit:5680/%2F?exchange=nova&heartbeat=10&topic=alerts")
        #expect(options.exchange == "nova")
        #expect(options.routingKey == "alerts.info")
        #expect(options.configuration.heartbeat == 10)
        #expect(options.configuration.port == 5680)
        #expect(!options.sinkName.contains("p@"))
    }
}

/// Whether two values decoded by `JSONSerialization` are equal.
func same(_ lhs: Any?, _ rhs: Any?) -> Bool {
    guard let lhs = lhs as? NSObject, let rhs = rhs as? NSObject else { return lhs == nil && rhs == nil }
    return lhs.isEqual(rhs)
}
