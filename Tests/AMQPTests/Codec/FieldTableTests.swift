import NIOCore
import Testing

@testable import AMQP

struct FieldTableTests {
    @Test func nestedTableAndArrayMatchFixture() throws {
        // pika encodes Python ints as I (32-bit) or l (64-bit) and None as V.
        let table: AMQPTable = [
            "s": "x",
            "n": .table(["i": .int32(5), "b": false, "l": .array([.int32(1), "two", .table(["z": .void])])]),
            "big": .int64(1 << 40),
            "d": .decimal(scale: 1, value: 15),
        ]
        var buffer = ByteBuffer()
        try buffer.writeAMQPTable(table)
        #expect(Array(buffer.readableBytesView) == Fixtures.nestedTable)
        #expect(try buffer.readAMQPTable() == table)
        #expect(buffer.readableBytes == 0)
    }

    @Test func everyValueTypeRoundTrips() throws {
        let table: AMQPTable = [
            "t": .bool(true), "b": .int8(-5), "B": .uint8(250), "s": .int16(-300), "u": .uint16(65000),
            "I": .int32(-70000), "i": .uint32(4_000_000_000), "l": .int64(-(1 << 50)), "f": .float(1.5),
            "d": .double(-2.25), "D": .decimal(scale: 2, value: 12345), "S": "héllo", "x": .bytes([0, 1, 255]),
            "A": .array([.bool(false), .array([]), .table([:])]), "T": .timestamp(1_700_000_000),
            "F": .table(["inner": .table(["deeper": "yes"])]), "V": .void,
        ]
        var buffer = ByteBuffer()
        try buffer.writeAMQPTable(table)
        let decoded = try buffer.readAMQPTable()
        #expect(decoded == table)
        #expect(
            decoded.entries.map(\.key) == [
                "t", "b", "B", "s", "u", "I", "i", "l", "f", "d", "D", "S", "x", "A", "T", "F", "V",
            ])
    }

    @Test func typeTagsAreRabbitMQs() throws {
        var buffer = ByteBuffer()
        try buffer.writeAMQPFieldValue(.int8(-1))
        try buffer.writeAMQPFieldValue(.uint16(1))
        try buffer.writeAMQPFieldValue(.bytes([7]))
        #expect(Array(buffer.readableBytesView) == [0x62, 0xFF, 0x75, 0x00, 0x01, 0x78, 0, 0, 0, 1, 7])
    }

    @Test func unknownTypeTagIsAnError() throws {
        var buffer = ByteBuffer(bytes: [0, 0, 0, 3, 1, 0x6B, 0x51])
        let error = #expect(throws: AMQPError.self) { try buffer.readAMQPTable() }
        #expect(error?.code == .malformedFrame)
    }

    @Test func truncatedTableIsAnError() throws {
        var buffer = ByteBuffer(bytes: [0, 0, 0, 10, 1, 0x6B])
        let error = #expect(throws: AMQPError.self) { try buffer.readAMQPTable() }
        #expect(error?.code == .malformedFrame)
    }

    @Test func subscriptKeepsOrderAndRemoves() {
        var table: AMQPTable = ["a": .int32(1), "b": .int32(2)]
        table["a"] = .int32(3)
        table["c"] = .void
        table["b"] = nil
        #expect(table.entries.map(\.key) == ["a", "c"])
        #expect(table["a"] == .int32(3))
    }
}
