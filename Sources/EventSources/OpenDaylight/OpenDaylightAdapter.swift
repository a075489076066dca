import Foundation
import PortwatchCore

/// Reads OpenDaylight RESTCONF data-change notifications (the websocket stream of a
/// `create-data-change-event-subscription` with JSON output) on the inventory and the topology.
///
/// ```json
/// {"notification": {"xmlns": "urn:ietf:params:xml:ns:netconf:notification:1.0",
///   "data-changed-notification": {"xmlns": "urn:opendaylight:params:xml:ns:yang:controller:md:sal:remote",
///     "data-change-event": [{
///       "path": "/opendaylight-inventory:nodes/opendaylight-inventory:node[opendaylight-inventory:id='openflow:90520731385859']/opendaylight-inventory:node-connector[opendaylight-inventory:id='openflow:90520731385859:1']/flow-node-inventory:state",
///       "data": {"state": {"xmlns": "urn:opendaylight:flow:inventory", "link-down": true, "blocked": false, "live": false}},
///       "operation": "updated"}]},
///   "eventTime": "2024-05-01T10:00:00.379-07:00"}}
/// ```
///
/// `data-change-event` may be a list or, for one change, an object; a list of notifications is
/// read too, and so is a RESTCONF read of node connectors (`{"node-connector": [...]}` or one
/// connector object), taken as their current state. Module prefixes on names are ignored, and a
/// leaf may be a plain JSON value or `{"content": ...}`.
///
/// Mapping (nodes and ports through ``OpenFlowDeviceMatcher``; the port number is the last part
/// of the connector id `openflow:<dpid>:<port>`, the port name `flow-node-inventory:name`):
/// - a node connector whose `state/link-down` is true or whose `configuration` has `PORT-DOWN` →
///   switch port down; `link-down` false without `PORT-DOWN` → up; a node connector deleted →
///   down (a change that says neither is ignored: `configuration` alone cannot clear a link-down);
/// - a node deleted from the operational inventory (the switch disconnected) → switch down;
///   created → up;
/// - a `network-topology` link deleted → link down, created → up. The link is the topology link
///   between its `source-tp` and `dest-tp` or, as ODL's link id is the source termination point,
///   the only topology link at that switch port.
///
/// Changes on other paths (Neutron port status, flows) and on resources the topology lacks are
/// ignored with the reason. The time is the notification's `eventTime`; the source ``sourceName``.
public struct OpenDaylightAdapter: EventSourceAdapter {
    /// Node and port matching.
    public var matcher: OpenFlowDeviceMatcher
    /// The `source` of the events (`"opendaylight"`).
    public var sourceName: String

    public var formatName: String { "opendaylight" }

    /// Creates an adapter.
    public init(matcher: OpenFlowDeviceMatcher = OpenFlowDeviceMatcher(), sourceName: String = "opendaylight") {
        self.matcher = matcher
        self.sourceName = sourceName
    }

    /// One data-change event, flattened out of its notification.
    struct Change {
        var path: InstanceIdentifierPath
        var pathText: String
        var operation: String
        var data: JSONValue?
        var time: Date
    }

    public func decode(_ body: JSONValue, topology: Topology, now: Date) throws(EventSourceError) -> DecodedEvents {
        let changes = try changes(in: body, now: now)
        let names = TopologyNames(topology)
        var result = DecodedEvents()
        for (index, change) in changes.enumerated() {
            apply(change, index: index, names: names, into: &result)
        }
        return result
    }

    // MARK: Envelope

    func changes(in body: JSONValue, now: Date) throws(EventSourceError) -> [Change] {
        if case .array(let items) = body {
            var all: [Change] = []
            for item in items { all += try changes(in: item, now: now) }
            return all
        }
        guard body.objectValue != nil else {
            throw error(.unexpectedShape, "expected an object or a list, not \(body.kindName)")
        }
        if let connectors = body.field("node-connector") {
            return try snapshot(connectors.arrayValue ?? [connectors], now: now)
        }
        if let id = body.string("id"), id.hasPrefix("openflow:") { return try snapshot([body], now: now) }
        let notification = body.field("notification") ?? body
        guard
            let dataChanged = notification.field("data-changed-notification")
                ?? (notification.field("data-change-event") != nil ? notification : nil)
        else {
            throw error(.unexpectedShape, "expected a RESTCONF notification with 'data-changed-notification'")
        }
        var time = now
        if let text = notification.string("eventTime") {
            guard let parsed = EventTime.parse(text) else {
                throw error(.invalidValue, "eventTime '\(text)' is not an ISO 8601 date-time")
            }
            time = parsed
        }
        guard let eventsValue = dataChanged.field("data-change-event") else {
            throw error(.missingField, "the notification has no 'data-change-event'")
        }
        var changes: [Change] = []
        for event in eventsValue.arrayValue ?? [eventsValue] {
            guard event.objectValue != nil else {
                throw error(.unexpectedShape, "a data-change-event is \(event.kindName)")
            }
            guard let path = event.string("path") else {
                throw error(.missingField, "a data-change-event has no 'path'")
            }
            changes.append(
                Change(
                    path: InstanceIdentifierPath(path), pathText: path,
                    operation: event.string("operation")?.lowercased() ?? "updated",
                    data: event.field("data"), time: time))
        }
        return changes
    }

    private func snapshot(_ connectors: [JSONValue], now: Date) throws(EventSourceError) -> [Change] {
        var changes: [Change] = []
        for connector in connectors {
            guard let id = connector.string("id") else { throw error(.missingField, "a node connector has no 'id'") }
            let node = Self.nodeID(ofConnector: id)
            let path =
                "/opendaylight-inventory:nodes/opendaylight-inventory:node[opendaylight-inventory:id='\(node)']"
                + "/opendaylight-inventory:node-connector[opendaylight-inventory:id='\(id)']"
            changes.append(
                Change(
                    path: InstanceIdentifierPath(path), pathText: path, operation: "updated", data: connector, time: now
                ))
        }
        return changes
    }

    // MARK: Mapping

    private func apply(_ change: Change, index: Int, names: TopologyNames, into result: inout DecodedEvents) {
        func ignore(_ subject: String, _ reason: String) {
            result.ignored.append(
                IgnoredSourceItem(index: index, item: "\(change.operation) \(subject)", reason: reason))
        }
        func emit(_ resource: PhysicalResourceRef, _ state: FaultState, _ detail: String) {
            result.events.append(
                FaultEvent(
                    resource: resource, state: state, time: change.time, source: sourceName,
                    severity: state == .down ? .critical : .info, reason: detail))
        }
        let path = change.path
        if let found = path.last("node-connector") {
            let (position, connector) = found
            guard let connectorID = connector.keys["id"] ?? change.data?.firstDescendant(named: "id")?.text else {
                return ignore(change.pathText, "the node connector has no id")
            }
            let nodeID = path.last("node")?.node.keys["id"] ?? Self.nodeID(ofConnector: connectorID)
            let isWhole = position == path.nodes.count - 1
            let state: FaultState
            let detail: String
            if change.operation == "deleted" {
                guard isWhole else { return ignore(connectorID, "a leaf of the port was deleted") }
                state = .down
                detail = "node connector \(connectorID) removed"
            } else {
                let linkDown = change.data?.firstDescendant(named: "link-down")?.flag
                let adminDown = change.data?.firstDescendant(named: "configuration").map(Self.hasPortDown)
                if linkDown == true || adminDown == true {
                    state = .down
                } else if linkDown == false {
                    state = .up
                } else {
                    return ignore(connectorID, "the change carries no state/link-down and no PORT-DOWN")
                }
                detail =
                    "\(connectorID) link-down=\(linkDown.map(String.init) ?? "?") PORT-DOWN=\(adminDown.map(String.init) ?? "?")"
            }
            guard let switchID = matcher.switchID(ofDevice: nodeID, in: names) else {
                return ignore(connectorID, "node \(nodeID) matches no switch of the topology")
            }
            let number = Self.portNumber(ofConnector: connectorID)
            let name = change.data?.firstDescendant(named: "name")?.text
            guard let portID = matcher.switchPortID(switchID: switchID, number: number, name: name, in: names.topology)
            else {
                return ignore(connectorID, "switch \(switchID) has no port \(name ?? number)")
            }
            emit(.switchPort(portID), state, detail)
        } else if let found = path.last("node"), path.nodes.contains(where: { $0.name == "nodes" }) {
            let (position, node) = found
            guard let nodeID = node.keys["id"] else { return ignore(change.pathText, "the node has no id") }
            guard position == path.nodes.count - 1, change.operation == "deleted" || change.operation == "created"
            else {
                return ignore(nodeID, "only a node's creation or deletion says whether the switch is connected")
            }
            guard let switchID = matcher.switchID(ofDevice: nodeID, in: names) else {
                return ignore(nodeID, "node \(nodeID) matches no switch of the topology")
            }
            let state: FaultState = change.operation == "deleted" ? .down : .up
            emit(.switch(switchID), state, "node \(nodeID) \(change.operation)")
        } else if let link = path.last("link")?.node, path.nodes.contains(where: { $0.name == "network-topology" }) {
            guard let linkKey = link.keys["link-id"] ?? change.data?.firstDescendant(named: "link-id")?.text else {
                return ignore(change.pathText, "the link has no link-id")
            }
            guard change.operation == "deleted" || change.operation == "created" else {
                return ignore(linkKey, "only a link's creation or deletion says whether it is up")
            }
            let sourceTP = change.data?.firstDescendant(named: "source-tp")?.text ?? linkKey
            let destinationTP = change.data?.firstDescendant(named: "dest-tp")?.text
            guard let source = switchPort(ofConnector: sourceTP, names: names) else {
                return ignore(linkKey, "\(sourceTP) matches no switch port of the topology")
            }
            let linkID: String
            if let destinationTP {
                guard let destination = switchPort(ofConnector: destinationTP, names: names) else {
                    return ignore(linkKey, "\(destinationTP) matches no switch port of the topology")
                }
                guard let found = names.link(between: source, and: destination) else {
                    return ignore(linkKey, "the topology has no link between \(source.id) and \(destination.id)")
                }
                linkID = found
            } else {
                let candidates = names.links(at: source)
                guard candidates.count == 1 else {
                    return ignore(
                        linkKey,
                        "switch port \(source.id) has \(candidates.count) links in the topology and the change names no dest-tp"
                    )
                }
                linkID = candidates[0].linkID
            }
            emit(
                .link(linkID), change.operation == "deleted" ? .down : .up,
                "topology link \(linkKey) \(change.operation)")
        } else {
            ignore(change.pathText, "not an inventory node, node connector or topology link")
        }
    }

    private func switchPort(ofConnector connector: String, names: TopologyNames) -> PhysicalResourceRef? {
        let nodeID = Self.nodeID(ofConnector: connector)
        guard let switchID = matcher.switchID(ofDevice: nodeID, in: names),
            let portID = matcher.switchPortID(
                switchID: switchID, number: Self.portNumber(ofConnector: connector), name: nil, in: names.topology)
        else { return nil }
        return .switchPort(portID)
    }

    /// `openflow:1` of `openflow:1:2`.
    static func nodeID(ofConnector connector: String) -> String {
        guard let colon = connector.lastIndex(of: ":"), connector.firstIndex(of: ":") != colon else { return connector }
        return String(connector[..<colon])
    }

    /// `2` of `openflow:1:2`.
    static func portNumber(ofConnector connector: String) -> String {
        guard let colon = connector.lastIndex(of: ":") else { return connector }
        return String(connector[connector.index(after: colon)...])
    }

    /// Whether a `configuration` value (bits as text, or an object of flags) has `PORT-DOWN`.
    static func hasPortDown(_ configuration: JSONValue) -> Bool {
        if let text = configuration.text {
            return text.split(whereSeparator: { $0 == " " || $0 == "," }).contains { $0.uppercased() == "PORT-DOWN" }
        }
        return configuration.field("PORT-DOWN")?.flag ?? configuration.field("port-down")?.flag ?? false
    }

    private func error(_ code: EventSourceError.Code, _ message: String) -> EventSourceError {
        EventSourceError(code: code, format: formatName, message: message)
    }
}
