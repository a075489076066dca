import Testing

@testable import PortwatchCore

/// The engine's per-port maps behave as the dictionaries they replace: the same entries after any
/// sequence of writes and removals, and a copy changed on its own.
struct PortKeyedShardsTests {
    @Test func behavesAsADictionary() {
        var generator = SeededGenerator(seed: 30)
        var shards = PortKeyedShards<Int>()
        var model: [String: Int] = [:]
        var snapshots: [(PortKeyedShards<Int>, [String: Int])] = []
        for step in 0..<20_000 {
            let key = "port-\(Int.random(in: 0..<3_000, using: &generator))"
            switch Int.random(in: 0..<10, using: &generator) {
            case 0..<6:
                shards[key] = step
                model[key] = step
            case 6..<8:
                #expect(shards.removeValue(forKey: key) == model.removeValue(forKey: key))
            case 8:
                shards[key] = nil
                model[key] = nil
            default:
                #expect(shards[key] == model[key])
            }
            if step % 2_500 == 0 { snapshots.append((shards, model)) }
        }
        #expect(shards.count == model.count)
        #expect(Set(shards.keys) == Set(model.keys))
        #expect(Array(shards.keys).count == model.count, "each key once")
        #expect(Dictionary(uniqueKeysWithValues: shards.entries.map { ($0.key, $0.value) }) == model)
        // Every copy kept its entries while the original went on changing.
        for (copy, expected) in snapshots {
            #expect(copy.count == expected.count)
            #expect(Dictionary(uniqueKeysWithValues: copy.entries.map { ($0.key, $0.value) }) == expected)
        }
    }
}
