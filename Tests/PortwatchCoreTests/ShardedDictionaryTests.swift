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

/// The set of ports ever down behaves as the set it replaces, storms included.
struct PortKeyedSetTests {
    @Test func behavesAsASet() {
        var generator = SeededGenerator(seed: 31)
        var set = PortKeyedSet()
        var model: Set<String> = []
        var snapshots: [(PortKeyedSet, Set<String>)] = []
        for step in 0..<20_000 {
            let key = "port-\(Int.random(in: 0..<3_000, using: &generator))"
            switch Int.random(in: 0..<20, using: &generator) {
            case 0..<8:
                set.insert(key)
                model.insert(key)
            case 8..<12:
                set.remove(key)
                model.remove(key)
            case 12:
                // A storm: groups of ports (points) going down at once, some already down.
                let groups = (0..<Int.random(in: 1..<5, using: &generator)).map { _ in
                    Set(
                        (0..<Int.random(in: 0..<400, using: &generator)).map { _ in
                            "port-\(Int.random(in: 0..<3_000, using: &generator))"
                        })
                }
                set.formUnion(groups)
                for group in groups { model.formUnion(group) }
            default:
                #expect(set.contains(key) == model.contains(key))
            }
            if step % 2_500 == 0 { snapshots.append((set, model)) }
        }
        #expect(set.count == model.count)
        #expect(Array(set.members).count == model.count, "each id once")
        #expect(Set(set.members) == model)
        for (copy, expected) in snapshots {
            #expect(Set(copy.members) == expected)
        }
    }

    @Test func removeAllTakesWhatItPicksAndLeavesTheCopy() {
        var shards = PortKeyedShards<Int>()
        for index in 0..<5_000 { shards["port-\(index)"] = index }
        let copy = shards
        shards.removeAll { $0.value % 3 == 0 }
        #expect(shards.count == 5_000 - 1_667)
        #expect(shards.entries.allSatisfy { $0.value % 3 != 0 })
        #expect(shards["port-4"] == 4)
        #expect(shards["port-3"] == nil)
        #expect(copy.count == 5_000)
        #expect(copy["port-3"] == 3)
    }
}

/// The engine's paths by attachment point: a value changed in place, the stored key handed out.
struct ShardedDictionaryModifyTests {
    final class Key: Hashable, Sendable {
        let name: String
        init(_ name: String) { self.name = name }
        static func == (lhs: Key, rhs: Key) -> Bool { lhs.name == rhs.name }
        func hash(into hasher: inout Hasher) { hasher.combine(name) }
    }

    @Test func modifyValueChangesInPlaceAndGivesTheStoredKey() {
        var paths = ShardedDictionary<Key, [Int]>()
        let stored = Key("leaf-a1/physnet1")
        paths[stored] = [1]
        let copy = paths
        let lookup = Key("leaf-a1/physnet1")
        let result = paths.modifyValue(forKey: lookup) { key, ports in
            ports.append(2)
            return key
        }
        #expect(result === stored)
        #expect(paths[lookup] == [1, 2])
        #expect(copy[lookup] == [1])
        #expect(paths.modifyValue(forKey: Key("absent")) { _, ports in ports.append(3) } == nil)
        #expect(paths[Key("absent")] == nil)
        #expect(paths.count == 1)
        #expect(Array(paths.values) == [[1, 2]])
    }
}
