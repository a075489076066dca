/// A port's dependency on the physical fabric, as an AND/OR tree of resources.
///
/// A resource leaf holds while the resource is not faulty; `allOf` holds while every child holds;
/// `anyOf` holds while at least one child holds (redundancy: bond members, dual-homed legs,
/// a leaf's uplinks). `allOf([])` always holds.
///
/// ```swift
/// // A NIC cabled to leaf-a1, whose two uplinks go to spine-a1 and spine-a2:
/// .allOf([.resource(.hostNIC("h1:eth0")), .resource(.link("l1")), .resource(.switchPort("leaf-a1:Ethernet1")),
///         .resource(.switch("leaf-a1")), .anyOf([/* uplink 1 */, /* uplink 2 */])])
/// ```
public indirect enum PathRequirement: Sendable, Hashable {
    /// Holds while this resource is not faulty.
    case resource(PhysicalResourceRef)
    /// Holds while every child holds.
    case allOf([PathRequirement])
    /// Holds while at least one child holds.
    case anyOf([PathRequirement])

    /// A requirement that always holds (an attachment we cannot see into).
    public static let alwaysHolds = PathRequirement.allOf([])

    /// An `allOf` with nested `allOf` children flattened into it.
    static func flatAllOf(_ children: [PathRequirement]) -> PathRequirement {
        var flattened: [PathRequirement] = []
        for child in children {
            if case .allOf(let grandchildren) = child {
                flattened.append(contentsOf: grandchildren)
            } else {
                flattened.append(child)
            }
        }
        return flattened.count == 1 ? flattened[0] : .allOf(flattened)
    }

    /// An `anyOf`, or the only child when there is just one.
    static func redundant(_ children: [PathRequirement]) -> PathRequirement {
        children.count == 1 ? children[0] : .anyOf(children)
    }

    /// Every resource the tree mentions, each once.
    public var resources: Set<PhysicalResourceRef> {
        var found: Set<PhysicalResourceRef> = []
        collectResources(into: &found)
        return found
    }

    private func collectResources(into found: inout Set<PhysicalResourceRef>) {
        switch self {
        case .resource(let resource): found.insert(resource)
        case .allOf(let children), .anyOf(let children):
            for child in children { child.collectResources(into: &found) }
        }
    }
}
