import Foundation
import PortwatchCore
import Testing

/// The stores write an outbox record's context with ``NotificationContext/storageJSON()`` and read it
/// back with `JSONDecoder`: every context must come back as it was, whatever its strings hold.
@Suite struct NotificationContextStorageTests {
    static let awkward = [
        "", "plain", "quote \" and backslash \\", "new\nline\ttab\r", "\u{01}\u{1F}control", "ünïcødé ✓ 🚀",
        "</script>", "a/b", "\u{7F}del",
    ]

    static func context(seed: Int) -> NotificationContext {
        var generator = SeededGenerator(seed: UInt64(seed))
        func pick() -> String { awkward[Int.random(in: 0..<awkward.count, using: &generator)] }
        func maybe() -> String? { Bool.random(using: &generator) ? pick() + "-\(seed)" : nil }
        var context = NotificationContext(Identity.system(requestID: "req-\(seed)"))
        context.userID = maybe()
        context.projectID = maybe()
        context.roles = (0..<Int.random(in: 0...3, using: &generator)).map { _ in pick() }
        context.requestID = pick() + "req"
        context.isAdmin = Bool.random(using: &generator)
        context.userName = maybe()
        context.projectName = maybe()
        return context
    }

    @Test func everyContextReadsBackAsItWas() throws {
        let decoder = JSONDecoder()
        for seed in 0..<2_000 {
            let context = Self.context(seed: seed)
            let stored = context.storageJSON()
            #expect(try decoder.decode(NotificationContext.self, from: Data(stored)) == context)
        }
    }

    @Test func absentOptionalsAreLeftOutAsJSONEncoderLeavesThem() throws {
        var context = NotificationContext(Identity.system(requestID: "r"))
        (context.userID, context.projectID, context.userName, context.projectName) = (nil, nil, nil, nil)
        let object = try JSONSerialization.jsonObject(with: Data(context.storageJSON())) as? [String: Any]
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(context)) as? [String: Any]
        #expect(object.map { Set($0.keys) } == encoded.map { Set($0.keys) })
        #expect(object.map { Set($0.keys) } == ["roles", "requestID", "isAdmin"])
    }

    /// The values sit in a shared box: a copy changed must leave the original alone, and two boxes
    /// holding equal values are equal contexts.
    @Test func contextsAreValues() {
        let original = Self.context(seed: 7)
        var changed = original
        changed.roles.append("extra")
        changed.isAdmin.toggle()
        #expect(changed.roles == original.roles + ["extra"])
        #expect(changed.isAdmin != original.isAdmin)
        #expect(original == Self.context(seed: 7))
        #expect(changed != original)
        var rebuilt = Self.context(seed: 7)
        rebuilt.userName = original.userName
        #expect(rebuilt == original)
        #expect(rebuilt.hashValue == original.hashValue)
        #expect(Set([original, rebuilt, changed]).count == 2)
    }

    @Test func theCacheAnswersEachContextWithItsOwnJSON() {
        var contexts = StoredContexts()
        let first = Self.context(seed: 1)
        var second = first
        second.requestID += "-other"
        #expect(contexts.json(for: first) == first.storageJSON())
        #expect(contexts.json(for: first) == first.storageJSON())
        #expect(contexts.json(for: second) == second.storageJSON())
        #expect(contexts.json(for: first) == first.storageJSON())
    }
}

/// A small deterministic generator (SplitMix64), so a failure names a reproducible seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
