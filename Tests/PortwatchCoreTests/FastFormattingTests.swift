import Foundation
import Testing

@testable import PortwatchCore

/// The hand-written formatters on the hot paths agree with the slow, obviously right ones.
@Suite struct FastFormattingTests {
    /// `gmtime_r` + `String(format:)`: what the timestamp formatter replaced.
    static func reference(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    @Test func timestampsMatchGmtime() {
        var generator = SystemRandomNumberGenerator()
        // The epoch, leap days, century rules, year ends, and random instants 1970–2200.
        var instants = [0, 951_782_400, 951_868_799, 4_107_542_400, 1_704_067_199, 1_709_164_800, 253_402_300_799]
        instants += (0..<20_000).map { _ in Int.random(in: 0...7_258_118_400, using: &generator) }
        for seconds in instants {
            let date = Date(timeIntervalSince1970: Double(seconds) + 0.999)
            #expect(NeutronTimestamp.format(date) == Self.reference(seconds), "\(seconds)")
        }
    }

    @Test func integersMatchTheirDescription() {
        let values: [Int64] = [0, 1, -1, 9, 10, -10, 99, 100, 12_345, Int64.max, Int64.min, -987_654_321]
        for value in values {
            var writer = JSONWriter()
            writer.int(value)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == String(value))
        }
        var writer = JSONWriter()
        writer.int(UInt64.max)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == String(UInt64.max))
    }

    @Test func randomIDsAreVersion4UUIDs() {
        var seen = Set<String>()
        for _ in 0..<2_000 {
            let id = RandomID.uuid()
            #expect(
                id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil, "\(id)"
            )
            #expect(UUID(uuidString: id) != nil)
            seen.insert(id)
        }
        #expect(seen.count == 2_000)
    }

    @Test func knownKeysWriteWhatKeysWrite() {
        var fast = JSONWriter()
        var slow = JSONWriter()
        fast.beginObject(); fast.knownKey("binding:host_id"); fast.string("h"); fast.knownKey("id"); fast.int(1)
        fast.endObject()
        slow.beginObject(); slow.key("binding:host_id"); slow.string("h"); slow.key("id"); slow.int(1)
        slow.endObject()
        #expect(fast.bytes == slow.bytes)
    }
}
