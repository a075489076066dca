import PostgresNIO
import Testing

@testable import PortwatchStore

/// The commit's own parameter encodings, byte for byte against postgres-nio's.
@Suite struct PostgresEncodingTests {
    @Test(arguments: [[], [[]], [[1, 2, 3], [], [4]], [Array(repeating: 7, count: 70_000)]] as [[[UInt8]]])
    func byteaArraysEncodeAsPostgresNIOsBufferArrays(elements: [[UInt8]]) {
        var ours = PostgresBindings()
        ours.append(ByteaArray(elements: elements))
        var theirs = PostgresBindings()
        theirs.append(elements.map { ByteBuffer(bytes: $0) })
        #expect(ours == theirs)
    }
}
