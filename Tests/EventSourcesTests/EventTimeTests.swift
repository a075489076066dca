import EventSources
import Foundation
import PortwatchCore
import Testing

struct EventTimeTests {
    @Test(arguments: [
        ("2019-11-28T10:15:30.123456", 1_574_936_130.123456),
        ("2019-11-28T10:15:30", 1_574_936_130),
        ("2019-11-28 10:15:30.5", 1_574_936_130.5),
        ("2019-11-28T10:15:30Z", 1_574_936_130),
        ("2024-05-01T10:00:00.000Z", 1_714_557_600),
        ("2024-05-01T10:00:00.123456789Z", 1_714_557_600.123456789),
        ("2017-03-23T09:28:55.379-07:00", 1_490_286_535.379),
        ("2017-03-23T18:28:55+0200", 1_490_286_535),
        ("2024-02-29T00:00:00Z", 1_709_164_800),
    ])
    func readsISO8601WithAndWithoutFractionAndZone(text: String, epoch: Double) throws {
        let date = try #require(EventTime.parse(text))
        #expect(abs(date.timeIntervalSince1970 - epoch) < 0.000_01)
    }

    @Test(arguments: [
        "yesterday", "2019-11-28", "2019-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2019-11-28T10:15:30.Z",
        "2019-11-28T25:00:00Z", "2019-11-28T10:15:30+25:00", "2019-11-28T10:15:30Zjunk",
    ])
    func rejectsWhatIsNotADateTime(text: String) {
        #expect(EventTime.parse(text) == nil)
    }

    @Test func goZeroTimeIsRecognised() throws {
        let zero = try #require(EventTime.parse("0001-01-01T00:00:00Z"))
        #expect(EventTime.isGoZero(zero))
        #expect(!EventTime.isGoZero(Date(timeIntervalSince1970: 0)))
    }

    @Test func epochNumbersAreMillisecondsOrSeconds() {
        #expect(EventTime.parse(JSONValue.int(1_714_557_600_000))?.timeIntervalSince1970 == 1_714_557_600)
        #expect(EventTime.parse(JSONValue.int(1_714_557_600))?.timeIntervalSince1970 == 1_714_557_600)
        #expect(EventTime.parse(JSONValue.string("2024-05-01T10:00:00Z"))?.timeIntervalSince1970 == 1_714_557_600)
        #expect(EventTime.parse(JSONValue.bool(true)) == nil)
    }
}
