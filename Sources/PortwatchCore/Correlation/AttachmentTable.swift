/// The engine's attachments by port id, stored compactly: the ports attached the same way (same
/// host, segment, links, group and VNIC type: most ports of a host) share one copy of that shape.
///
/// A ``PortAttachment`` kept inline in a dictionary costs about 140 bytes a slot, and a dictionary
/// of 100,000 ports has up to 262,144 slots; a shared shape costs one reference a slot.
struct AttachmentTable: Sendable {
    /// An attachment without its port id.
    final class Shape: Hashable, Sendable {
        let hostID: String
        let segment: NetworkSegment
        let localLinks: [LocalLink]
        let localGroup: LocalGroup?
        let vnicType: String

        init(_ attachment: PortAttachment) {
            hostID = attachment.hostID
            segment = attachment.segment
            localLinks = attachment.localLinks
            localGroup = attachment.localGroup
            vnicType = attachment.vnicType
        }

        func attachment(portID: String) -> PortAttachment {
            PortAttachment(
                portID: portID, hostID: hostID, segment: segment, localLinks: localLinks, localGroup: localGroup,
                vnicType: vnicType)
        }

        static func == (lhs: Shape, rhs: Shape) -> Bool {
            lhs === rhs
                || (lhs.hostID == rhs.hostID && lhs.segment == rhs.segment && lhs.localLinks == rhs.localLinks
                    && lhs.localGroup == rhs.localGroup && lhs.vnicType == rhs.vnicType)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(hostID)
            hasher.combine(segment)
            hasher.combine(localLinks)
            hasher.combine(localGroup)
            hasher.combine(vnicType)
        }
    }

    /// Split by port id, so that a change set's first write does not copy every port's entry.
    private var shapeByPort = PortKeyedShards<Shape>()
    /// Every shape in use or used before; bounded by the distinct ways of attaching, not by ports.
    private var shapes: Set<Shape> = []

    subscript(portID: String) -> PortAttachment? {
        get { shapeByPort[portID]?.attachment(portID: portID) }
        set {
            guard let newValue else {
                shapeByPort[portID] = nil
                return
            }
            // Looked up first: inserting into a set shared with the committed engine copies it even
            // when the shape is already there (most ports attach like others of their host).
            let candidate = Shape(newValue)
            let shape =
                shapes.firstIndex(of: candidate).map { shapes[$0] } ?? shapes.insert(candidate).memberAfterInsert
            shapeByPort[portID] = shape
            if shapes.count > 64, shapes.count > 2 * shapeByPort.count + 64 {
                shapes = Set(shapeByPort.entries.lazy.map(\.value))
            }
        }
    }

    /// Whether the table holds an attachment for `portID`.
    func contains(_ portID: String) -> Bool { shapeByPort[portID] != nil }

    /// The host of `portID`'s attachment, without rebuilding the attachment.
    func hostID(ofPort portID: String) -> String? { shapeByPort[portID]?.hostID }

    /// The port ids with an attachment.
    var portIDs: some Sequence<String> { shapeByPort.keys }

    /// Every attachment.
    var all: some Sequence<PortAttachment> { shapeByPort.entries.lazy.map { $0.value.attachment(portID: $0.key) } }
}
