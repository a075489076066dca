import PortwatchCore
import Testing

/// Stand-in with the same shape as the API's `DataPlaneStatus`.
enum StubDataPlaneStatus: String, Sendable {
    case active = "ACTIVE"
    case down = "DOWN"
}

struct CorrelationPrecedenceTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var manual: StubDataPlaneStatus?
        var correlated: DataPlaneState?
        var hasBeenDown: Bool
        var expected: StubDataPlaneStatus?
        var testDescription: String {
            "manual \(manual?.rawValue ?? "nil"), correlated \(correlated?.rawValue ?? "nil"), wasDown \(hasBeenDown)"
        }
    }

    static let rows: [Row] = [
        Row(manual: .down, correlated: .up, hasBeenDown: false, expected: .down),
        Row(manual: .active, correlated: .down, hasBeenDown: true, expected: .active),
        Row(manual: nil, correlated: .down, hasBeenDown: false, expected: .down),
        Row(manual: nil, correlated: .down, hasBeenDown: true, expected: .down),
        Row(manual: nil, correlated: .up, hasBeenDown: true, expected: .active),
        Row(manual: nil, correlated: .degraded, hasBeenDown: true, expected: .active),
        Row(manual: nil, correlated: nil, hasBeenDown: true, expected: .active),
        Row(manual: nil, correlated: .up, hasBeenDown: false, expected: nil),
        Row(manual: nil, correlated: .degraded, hasBeenDown: false, expected: nil),
        Row(manual: nil, correlated: nil, hasBeenDown: false, expected: nil),
    ]

    @Test(arguments: rows)
    func resolvesDataPlaneStatus(_ row: Row) {
        let resolved: StubDataPlaneStatus? = DataPlaneStatusPrecedence.resolve(
            manualOverride: row.manual, correlated: row.correlated, hasBeenDown: row.hasBeenDown)
        #expect(resolved == row.expected)
    }
}
