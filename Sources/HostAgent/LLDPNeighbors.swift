import Foundation
import Logging
import PortwatchClient

/// A host's LLDP neighbours as `lldpcli -f json show neighbors` (lldpd) prints them.
///
/// Both of lldpd's JSON shapes are read: the default `json` (an `interface` object, or a list of
/// one-key objects when there are several, keyed by interface name, with a `chassis` keyed by the
/// system name) and the regular `json0` (lists everywhere, with `name` and `value` fields).
public struct LLDPNeighbor: Sendable, Hashable {
    /// The local interface (`eth0`).
    public var interface: String
    /// The neighbour's system name, when it sends one.
    public var systemName: String?
    /// The neighbour's chassis id (usually a MAC).
    public var chassisID: String?
    /// The neighbour's port id (`Ethernet1`) and its description.
    public var portID: String?
    public var portDescription: String?

    /// The name to give Portwatch for the switch: the system name, else the chassis id.
    public var switchName: String? { systemName ?? chassisID }

    /// Parses lldpcli's output; throws when it is not lldpcli JSON.
    public static func parse(_ data: Data) throws -> [LLDPNeighbor] {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LLDPError(message: "lldpcli output is not a JSON object")
        }
        // `{"lldp": {}}` or `{"lldp": [{}]}` when there are no neighbours.
        let lldp = (root["lldp"] as? [[String: Any]])?.first ?? root["lldp"] as? [String: Any]
        guard let lldp else { throw LLDPError(message: "lldpcli output has no \"lldp\"") }
        var neighbors: [LLDPNeighbor] = []
        for (name, body) in interfaces(lldp["interface"]) {
            var neighbor = LLDPNeighbor(interface: name)
            let chassis = first(body["chassis"])
            if let chassis {
                if let named = namedEntry(chassis) {
                    neighbor.systemName = named.key
                    neighbor.chassisID = value(named.value["id"])
                } else {
                    neighbor.systemName = value(chassis["name"])
                    neighbor.chassisID = value(chassis["id"])
                }
            }
            if let port = first(body["port"]) {
                neighbor.portID = value(port["id"])
                neighbor.portDescription = value(port["descr"])
            }
            neighbors.append(neighbor)
        }
        return neighbors.sorted { $0.interface < $1.interface }
    }

    init(interface: String) {
        self.interface = interface
    }

    /// `(name, body)` of every interface: `{"eth0": {…}}`, `[{"eth0": {…}}, …]` or json0's
    /// `[{"name": "eth0", …}]`.
    static func interfaces(_ value: Any?) -> [(String, [String: Any])] {
        var result: [(String, [String: Any])] = []
        let items: [[String: Any]] = (value as? [[String: Any]]) ?? ((value as? [String: Any]).map { [$0] } ?? [])
        for item in items {
            if let name = item["name"] as? String {
                result.append((name, item))
            } else {
                for (name, body) in item {
                    if let body = body as? [String: Any] { result.append((name, body)) }
                }
            }
        }
        return result
    }

    /// A chassis keyed by system name (`{"leaf-1": {"id": …}}`) as (name, body).
    static func namedEntry(_ chassis: [String: Any]) -> (key: String, value: [String: Any])? {
        guard chassis["id"] == nil, chassis.count == 1, let (key, body) = chassis.first, let body = body as? [String: Any]
        else { return nil }
        return (key, body)
    }

    /// The object itself, or the first of a json0 list.
    static func first(_ value: Any?) -> [String: Any]? {
        (value as? [String: Any]) ?? (value as? [[String: Any]])?.first
    }

    /// A field's text: `"x"`, `{"value": "x"}`, or json0's `[{"value": "x"}]`.
    static func value(_ field: Any?) -> String? {
        if let text = field as? String { return text }
        if let object = first(field), let text = object["value"] as? String { return text }
        return nil
    }
}

/// Why lldpcli's output could not be read.
public struct LLDPError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Runs `lldpcli -f json show neighbors` every `interval` and reports the host's cabling to
/// Portwatch (`PUT /v2.0/topology/learned-links/{host}`), retrying until Portwatch takes it.
public struct LLDPReporter: Sendable {
    public var host: String
    /// The lldpcli executable (a path, or a name looked up in PATH).
    public var lldpcli: String
    public var interval: Duration
    let client: PortwatchClient

    public init(host: String, lldpcli: String = "lldpcli", interval: Duration = .seconds(30), client: PortwatchClient) {
        self.host = host
        self.lldpcli = lldpcli
        self.interval = interval
        self.client = client
    }

    /// The neighbours now, from lldpcli.
    public func neighbors() throws -> [LLDPNeighbor] {
        let process = Process()
        if lldpcli.contains("/") {
            process.executableURL = URL(fileURLWithPath: lldpcli)
            process.arguments = ["-f", "json", "show", "neighbors"]
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [lldpcli, "-f", "json", "show", "neighbors"]
        }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LLDPError(message: "\(lldpcli) exited with status \(process.terminationStatus)")
        }
        return try LLDPNeighbor.parse(data)
    }

    /// The request body for `neighbors`: those that name a switch and a port.
    public static func body(_ neighbors: [LLDPNeighbor]) -> [String: Any] {
        [
            "learned_links": neighbors.compactMap { neighbor -> [String: Any]? in
                guard let name = neighbor.switchName, let port = neighbor.portID ?? neighbor.portDescription else {
                    return nil
                }
                var link: [String: Any] = ["nic": neighbor.interface, "switch": name, "port": port]
                if let chassis = neighbor.chassisID, chassis != name { link["chassis_id"] = chassis }
                if let description = neighbor.portDescription, description != port {
                    link["port_description"] = description
                }
                return link
            }
        ]
    }

    /// Reports until cancelled: every `interval`, or sooner after a failure.
    public func run(logger: Logger) async {
        var delay = Duration.seconds(1)
        while !Task.isCancelled {
            do {
                let body = Self.body(try neighbors())
                let path = host.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? host
                _ = try await client.send(.put, "/v2.0/topology/learned-links/\(path)", json: body)
                delay = .seconds(1)
                try? await Task.sleep(for: interval)
            } catch {
                logger.warning("LLDP neighbours not reported; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, interval)
            }
        }
    }
}
