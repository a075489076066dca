import PortwatchCore

/// Name lookups shared by the adapters: host and switch names as monitoring systems write them
/// (`compute-a3:9100`, `compute-a3.example.org`), and links by the switch ports at their ends.
final class TopologyNames {
    let topology: Topology
    private var linksByEnd: [PhysicalResourceRef: [(linkID: String, otherEnd: PhysicalResourceRef)]]?

    init(_ topology: Topology) {
        self.topology = topology
    }

    /// The candidates a name stands for, most exact first: itself, without a `:port` suffix,
    /// and its first DNS label.
    static func variants(of name: String) -> [String] {
        var result = [name]
        if let colon = name.lastIndex(of: ":"), !name[name.index(after: colon)...].isEmpty,
            name[name.index(after: colon)...].allSatisfy(\.isNumber), name.firstIndex(of: ":") == colon
        {
            result.append(String(name[..<colon]))
        }
        if let base = result.last, let dot = base.firstIndex(of: "."), dot != base.startIndex,
            !base.allSatisfy({ $0.isNumber || $0 == "." })
        {
            result.append(String(base[..<dot]))
        }
        return result
    }

    /// The host a name designates: the host id itself, or the id without a port or domain.
    func hostID(_ name: String) -> String? {
        Self.variants(of: name).first { topology.host($0) != nil }
    }

    /// The switch a name designates (id, chassis MAC or name; also without a port or domain).
    func switchID(_ name: String) -> String? {
        for variant in Self.variants(of: name) {
            if let id = topology.switchID(matching: variant) { return id }
        }
        return nil
    }

    /// The links that end at `end` (a switch port or a host NIC), with the resource at the other end.
    func links(at end: PhysicalResourceRef) -> [(linkID: String, otherEnd: PhysicalResourceRef)] {
        if linksByEnd == nil { linksByEnd = buildLinkIndex() }
        return linksByEnd?[end] ?? []
    }

    /// The link between two ends, in either direction.
    func link(between a: PhysicalResourceRef, and b: PhysicalResourceRef) -> String? {
        links(at: a).first { $0.otherEnd == b }?.linkID
    }

    private func buildLinkIndex() -> [PhysicalResourceRef: [(linkID: String, otherEnd: PhysicalResourceRef)]] {
        var index: [PhysicalResourceRef: [(linkID: String, otherEnd: PhysicalResourceRef)]] = [:]
        for link in topology.document.links {
            guard let a = resolve(link.a), let b = resolve(link.b) else { continue }
            let id = Topology.effectiveID(of: link)
            index[a, default: []].append((id, b))
            index[b, default: []].append((id, a))
        }
        return index
    }

    private func resolve(_ endpoint: LinkEndpoint) -> PhysicalResourceRef? {
        switch endpoint {
        case .switchPort(let switchID, let port):
            topology.switchPortID(switchID: switchID, port: port).map(PhysicalResourceRef.switchPort)
        case .hostNIC(let hostID, let nic):
            topology.hostInterface(hostID: hostID, name: nic)?.resource
        }
    }
}
