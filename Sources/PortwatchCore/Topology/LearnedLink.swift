import Foundation

/// A cable a host learned from its LLDP neighbours (`portwatch agent`, `lldpcli`): the host's NIC
/// and the switch port at its other end, as LLDP names them.
public struct LearnedLink: Codable, Sendable, Hashable {
    /// The host NIC's name (`eth0`).
    public var nic: String
    /// The switch as LLDP names it: its system name, or its chassis id (a MAC).
    public var switchName: String
    /// The switch's chassis id, when LLDP gave one besides the name.
    public var chassisID: String?
    /// The switch port's LLDP port id (`Ethernet1`, or an ifindex/MAC some switches send).
    public var port: String
    /// The port's description, tried when the port id is not a port name the topology knows.
    public var portDescription: String?
    public var firstSeen: Date
    public var lastSeen: Date

    public init(
        nic: String, switchName: String, chassisID: String? = nil, port: String, portDescription: String? = nil,
        firstSeen: Date, lastSeen: Date
    ) {
        self.nic = nic
        self.switchName = switchName
        self.chassisID = chassisID
        self.port = port
        self.portDescription = portDescription
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    /// What one report says: the same link whatever its times.
    public var identity: String { "\(nic)|\(switchName)|\(chassisID ?? "")|\(port)|\(portDescription ?? "")" }

    /// How a learned link stands against the declared topology.
    public enum Standing: String, Codable, Sendable {
        /// In the topology in force.
        case inUse = "in_use"
        /// The declared topology cables that NIC or that switch port otherwise: the declaration wins.
        case overridden
        /// The switch or its port is not in the topology.
        case unresolved
    }

    /// The `learned` link bodies' report over the effective topology.
    public struct Report: Sendable, Hashable {
        public var host: String
        public var link: LearnedLink
        public var standing: Standing
        /// The topology-wide id of the switch port it resolved to.
        public var switchPortID: String?
    }

    /// Updates the links of one host from a report at `now`: links still seen keep their first
    /// sighting; links no longer seen stay until `grace` has passed since they were last seen.
    public static func merge(
        _ previous: [LearnedLink], reported: [LearnedLink], now: Date, grace: TimeInterval
    ) -> [LearnedLink] {
        var byIdentity: [String: LearnedLink] = [:]
        for link in previous where now.timeIntervalSince(link.lastSeen) < grace { byIdentity[link.identity] = link }
        for var link in reported {
            link.firstSeen = byIdentity[link.identity]?.firstSeen ?? now
            link.lastSeen = now
            byIdentity[link.identity] = link
        }
        return byIdentity.values.sorted { ($0.nic, $0.identity) < ($1.nic, $1.identity) }
    }
}

extension TopologyDocument {
    /// The declared part of a document: without the links marked learned (a document read back from
    /// `GET /v2.0/topology` and sent again declares only what was declared).
    public var declaredPart: TopologyDocument {
        var document = self
        document.links.removeAll { $0.origin == LearnedLink.origin }
        return document
    }

    /// The document with the learned links of each host that the declaration does not contradict:
    /// the switch (by id, name or chassis MAC) and its port (by name or id, or by the port's
    /// description) must be declared, and neither the host's NIC nor the switch port may have a
    /// declared link (the declaration wins). A host or NIC only learning names is added.
    public func merging(learned: [String: [LearnedLink]]) -> (document: TopologyDocument, reports: [LearnedLink.Report]) {
        let declared = declaredPart
        guard !learned.isEmpty, let topology = try? Topology(declared) else {
            let reports = learned.flatMap { host, links in
                links.map { LearnedLink.Report(host: host, link: $0, standing: .unresolved, switchPortID: nil) }
            }
            return (declared, reports)
        }
        var document = declared
        var usedNICs = Set<String>()
        var usedPorts = Set<String>()
        for link in declared.links {
            for end in [link.a, link.b] {
                switch end {
                case .hostNIC(let host, let nic): usedNICs.insert("\(host):\(nic)")
                case .switchPort(let switchID, let port):
                    usedPorts.insert(topology.switchPortID(switchID: switchID, port: port) ?? "\(switchID):\(port)")
                }
            }
        }
        var reports: [LearnedLink.Report] = []
        for host in learned.keys.sorted() {
            for link in learned[host] ?? [] {
                let switchID = topology.switchID(matching: link.switchName)
                    ?? link.chassisID.flatMap(topology.switchID(matching:))
                let portID = switchID.flatMap { switchID in
                    topology.switchPortID(switchID: switchID, port: link.port)
                        ?? link.portDescription.flatMap { topology.switchPortID(switchID: switchID, port: $0) }
                }
                guard let switchID, let portID else {
                    reports.append(.init(host: host, link: link, standing: .unresolved, switchPortID: nil))
                    continue
                }
                let nicKey = "\(host):\(link.nic)"
                guard !usedNICs.contains(nicKey), !usedPorts.contains(portID) else {
                    reports.append(.init(host: host, link: link, standing: .overridden, switchPortID: portID))
                    continue
                }
                usedNICs.insert(nicKey)
                usedPorts.insert(portID)
                if let index = document.hosts.firstIndex(where: { $0.id == host }) {
                    if !document.hosts[index].nics.contains(where: { $0.name == link.nic }) {
                        document.hosts[index].nics.append(HostNIC(name: link.nic))
                    }
                } else {
                    document.hosts.append(PhysicalHost(id: host, nics: [HostNIC(name: link.nic)]))
                }
                document.links.append(
                    PhysicalLink(
                        a: .switchPort(switchID: switchID, port: portID), b: .hostNIC(hostID: host, nic: link.nic),
                        origin: LearnedLink.origin))
                reports.append(.init(host: host, link: link, standing: .inUse, switchPortID: portID))
            }
        }
        // Learned links must never break the declared topology.
        guard (try? Topology(document)) != nil else {
            return (declared, reports.map { var report = $0; report.standing = .unresolved; return report })
        }
        return (document, reports)
    }
}

extension LearnedLink {
    /// The `origin` of a learned link in a topology document.
    public static let origin = "learned"
}
