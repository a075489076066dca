import ArgumentParser
import Foundation
import KeystoneAuth
import PortwatchClient
import Yams

/// How the admin commands reach a running Portwatch: `--url`, a token, a clouds.yaml cloud, or
/// `OS_*` password credentials, as the `openstack` CLI takes them.
struct ConnectionOptions: ParsableArguments {
    static let environment = ProcessInfo.processInfo.environment

    @Option(help: "Portwatch's base URL (PORTWATCH_URL; default the catalog's network endpoint with Keystone credentials, else http://127.0.0.1:9696).")
    var url: String? = environment["PORTWATCH_URL"]

    @Option(help: "A Keystone token to send (OS_TOKEN).")
    var token: String? = environment["OS_TOKEN"]

    @Option(help: "Authenticate with this clouds.yaml cloud (OS_CLOUD).")
    var osCloud: String? = environment["OS_CLOUD"]

    @Option(help: "Catalog interface of the network endpoint (OS_INTERFACE, default public).")
    var osInterface: String? = environment["OS_INTERFACE"]

    @Option(help: "Catalog region (OS_REGION_NAME).")
    var osRegionName: String? = environment["OS_REGION_NAME"]

    @Option(name: .customLong("header"), help: "An extra request header NAME:VALUE, repeatable (a proxy's X-User-Id, X-Roles for --auth headers).")
    var headers: [String] = []

    @Option(help: "Output: table or json.")
    var format: OutputFormat = .table

    enum OutputFormat: String, ExpressibleByArgument {
        case table, json
    }

    /// A connected client, or a message naming what is missing.
    func client() async throws -> PortwatchClient {
        var options = ClientOptions(url: url)
        options.token = token
        options.cloud = osCloud
        options.interface = osInterface
        options.region = osRegionName
        for header in headers {
            guard let colon = header.firstIndex(of: ":") else {
                throw ValidationError("--header must be NAME:VALUE, not '\(header)'")
            }
            options.headers.append(
                (String(header[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(header[header.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
        }
        let env = Self.environment
        if osCloud == nil, token == nil, let password = env["OS_PASSWORD"] {
            options.authURL = env["OS_AUTH_URL"]
            options.credentials = PasswordCredentials(
                username: env["OS_USERNAME"], password: password,
                userDomainName: env["OS_USER_DOMAIN_NAME"] ?? "Default", projectName: env["OS_PROJECT_NAME"],
                projectDomainName: env["OS_PROJECT_DOMAIN_NAME"] ?? "Default")
        }
        return try await Self.run { try await PortwatchClient.connect(options) }
    }

    /// Runs a client call; a failure is printed to standard error and exits 1.
    static func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ClientError {
            FileHandle.standardError.write(Data("portwatch: \(error.message)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// Prints `value` as JSON, or as `table` says.
    func output(_ value: Any, table: () -> [[String]]) {
        switch format {
        case .json:
            let data = (try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys]))
                ?? Data("null".utf8)
            print(String(decoding: data, as: UTF8.self))
        case .table:
            print(Table.render(table()), terminator: "")
        }
    }
}

/// Plain text tables: a header row, then rows, columns padded to their widest cell.
enum Table {
    static func render(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        var widths = header.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    static func text(_ value: Any?) -> String {
        switch value {
        case let string as String: string
        case let number as NSNumber: number.stringValue
        case nil, is NSNull: "-"
        default: "\(value!)"
        }
    }
}

/// The resource kinds the API takes, as the CLI names them.
let resourceTypes = ["switch", "switch_port", "link", "host_nic", "bond", "host", "vswitch", "vif"]

/// `portwatch fault report|clear|list`.
struct Fault: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report, clear and list data-plane faults on a running Portwatch.",
        subcommands: [Report.self, Clear.self, List.self])

    struct Target: ParsableArguments {
        @Argument(help: "Resource type: \(resourceTypes.joined(separator: ", ")).")
        var resourceType: String
        @Argument(help: "Resource id (a switch id, a host id, a port id for vif, ...).")
        var resourceID: String
        @Option(help: "The fault's source; a recovery must come from the source of the failure.")
        var source = "admin-cli"
        @Option(help: "Why (shown in faults and the audit trail).")
        var reason: String?

        func validate() throws {
            guard resourceTypes.contains(resourceType) else {
                throw ValidationError("resource type must be one of \(resourceTypes.joined(separator: ", "))")
            }
        }

        func event(_ state: String, severity: String?) -> [String: Any] {
            var event: [String: Any] = [
                "resource_type": resourceType, "resource_id": resourceID, "state": state, "source": source,
            ]
            if let reason { event["reason"] = reason }
            if let severity { event["severity"] = severity }
            return ["events": [event]]
        }
    }

    static func post(_ body: [String: Any], _ connection: ConnectionOptions) async throws {
        let client = try await connection.client()
        let answer = try await ConnectionOptions.run { try await client.send(.post, "/v2.0/data-plane-events", json: body) }
        let object = answer as? [String: Any] ?? [:]
        let events = object["events"] as? [[String: Any]] ?? []
        connection.output(answer) {
            [["RESOURCE", "STATE", "SOURCE", "OUTCOME"]]
                + events.map {
                    ["\(Table.text($0["resource_type"])) \(Table.text($0["resource_id"]))", Table.text($0["state"]),
                        Table.text($0["source"]), Table.text($0["outcome"])]
                } + [["changed ports:", Table.text(object["changed_ports"]), "held:", Table.text(object["held_ports"])]]
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Report a resource down.")
        @OptionGroup var target: Target
        @Option(help: "critical, major, minor, warning or info.")
        var severity: String?
        @OptionGroup var connection: ConnectionOptions
        func run() async throws { try await Fault.post(target.event("down", severity: severity), connection) }
    }

    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Report a resource back up (from the same source).")
        @OptionGroup var target: Target
        @OptionGroup var connection: ConnectionOptions
        func run() async throws { try await Fault.post(target.event("up", severity: nil), connection) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The active faults of every source.")
        @OptionGroup var connection: ConnectionOptions
        func run() async throws {
            let client = try await connection.client()
            let answer = try await ConnectionOptions.run { try await client.get("/v2.0/data-plane-faults") }
            let faults = (answer as? [String: Any])?["faults"] as? [[String: Any]] ?? []
            connection.output(answer) {
                [["RESOURCE", "SOURCE", "SINCE", "SEVERITY", "REASON"]]
                    + faults.map {
                        ["\(Table.text($0["resource_type"])) \(Table.text($0["resource_id"]))", Table.text($0["source"]),
                            Table.text($0["since"]), Table.text($0["severity"]), Table.text($0["reason"])]
                    }
            }
        }
    }
}

/// `portwatch maintenance start|end|list`.
struct Maintenance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start, end and list maintenance of switches and hosts.", subcommands: [Start.self, End.self, List.self])

    struct Target: ParsableArguments {
        @Argument(help: "switch or host.")
        var resourceType: String
        @Argument(help: "The switch or host id.")
        var resourceID: String

        func validate() throws {
            guard ["switch", "host"].contains(resourceType) else { throw ValidationError("maintenance applies to a switch or a host") }
        }
    }

    static func set(_ target: Target, active: Bool, _ connection: ConnectionOptions) async throws {
        let client = try await connection.client()
        let body: [String: Any] = [
            "maintenance": ["resource_type": target.resourceType, "resource_id": target.resourceID, "active": active]
        ]
        let answer = try await ConnectionOptions.run { try await client.send(.put, "/v2.0/topology/maintenance", json: body) }
        print(table: answer, connection)
    }

    static func print(table answer: Any, _ connection: ConnectionOptions) {
        let windows = (answer as? [String: Any])?["maintenance"] as? [[String: Any]] ?? []
        connection.output(answer) {
            [["RESOURCE", "SINCE", "SOURCE"]]
                + windows.map {
                    ["\(Table.text($0["resource_type"])) \(Table.text($0["resource_id"]))", Table.text($0["since"]),
                        Table.text($0["source"])]
                }
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a switch or host into maintenance: its faults stop counting.")
        @OptionGroup var target: Target
        @OptionGroup var connection: ConnectionOptions
        func run() async throws { try await Maintenance.set(target, active: true, connection) }
    }

    struct End: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End maintenance: faults still active take effect.")
        @OptionGroup var target: Target
        @OptionGroup var connection: ConnectionOptions
        func run() async throws { try await Maintenance.set(target, active: false, connection) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The switches and hosts in maintenance.")
        @OptionGroup var connection: ConnectionOptions
        func run() async throws {
            let client = try await connection.client()
            let answer = try await ConnectionOptions.run { try await client.get("/v2.0/topology/maintenance") }
            Maintenance.print(table: answer, connection)
        }
    }
}

/// `portwatch topology load|show|diff`.
struct TopologyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topology", abstract: "Load, show and compare the physical topology.",
        subcommands: [Load.self, Show.self, Diff.self])

    /// A topology file's document as JSON: YAML (or JSON) read from `path`.
    static func document(_ path: String) throws -> [String: Any] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("cannot read \(path)")
        }
        let value: Any?
        do {
            value = try Yams.load(yaml: text)
        } catch {
            throw ValidationError("\(path) is not YAML or JSON: \(error)")
        }
        guard let object = value as? [String: Any] else { throw ValidationError("\(path) is not a topology document") }
        return (object["topology"] as? [String: Any]) ?? object
    }

    static func summary(_ document: [String: Any]) -> [[String]] {
        let kinds = ["switches", "hosts", "links"]
        return [["PART", "COUNT"]] + kinds.map { [$0, String((document[$0] as? [Any])?.count ?? 0)] }
    }

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace the topology with a file's (JSON or YAML).")
        @Argument(help: "The topology document.")
        var file: String
        @OptionGroup var connection: ConnectionOptions
        func run() async throws {
            let document = try TopologyCommand.document(file)
            let client = try await connection.client()
            let answer = try await ConnectionOptions.run { try await client.send(.put, "/v2.0/topology", json: document) }
            let loaded = (answer as? [String: Any])?["topology"] as? [String: Any] ?? [:]
            connection.output(answer) { TopologyCommand.summary(loaded) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The topology in force (table: counts; json: the document).")
        @OptionGroup var connection: ConnectionOptions
        func run() async throws {
            let client = try await connection.client()
            let answer = try await ConnectionOptions.run { try await client.get("/v2.0/topology") }
            let topology = (answer as? [String: Any])?["topology"] as? [String: Any] ?? [:]
            connection.output(answer) { TopologyCommand.summary(topology) }
        }
    }

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What loading a file would change: switches, hosts and links added, removed or changed (exit 0 when none).")
        @Argument(help: "The topology document to compare with the one in force.")
        var file: String
        @OptionGroup var connection: ConnectionOptions
        func run() async throws {
            let wanted = try TopologyCommand.document(file)
            let client = try await connection.client()
            let answer = try await ConnectionOptions.run { try await client.get("/v2.0/topology") }
            let current = (answer as? [String: Any])?["topology"] as? [String: Any] ?? [:]
            let changes = TopologyDiff.changes(from: current, to: wanted)
            connection.output(changes.map { ["change": $0.change, "kind": $0.kind, "id": $0.id] }) {
                [["CHANGE", "KIND", "ID"]] + changes.map { [$0.change, $0.kind, $0.id] }
            }
            if !changes.isEmpty { throw ExitCode(2) }
        }
    }
}

/// Differences between two topology documents, by switch, host and link id.
enum TopologyDiff {
    struct Change: Equatable {
        var change: String
        var kind: String
        var id: String
    }

    static func changes(from current: [String: Any], to wanted: [String: Any]) -> [Change] {
        var changes: [Change] = []
        for (part, kind) in [("switches", "switch"), ("hosts", "host"), ("links", "link")] {
            let before = items(current[part], kind: kind)
            let after = items(wanted[part], kind: kind)
            for id in Set(before.keys).union(after.keys).sorted() {
                switch (before[id], after[id]) {
                case (nil, _?): changes.append(Change(change: "add", kind: kind, id: id))
                case (_?, nil): changes.append(Change(change: "remove", kind: kind, id: id))
                case (let a?, let b?) where !NSDictionary(dictionary: a).isEqual(to: normalized(b, like: a)):
                    changes.append(Change(change: "change", kind: kind, id: id))
                default: break
                }
            }
        }
        return changes
    }

    /// Items by id; a link without an id by its ends, as Portwatch names it.
    static func items(_ value: Any?, kind: String) -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        for item in value as? [[String: Any]] ?? [] {
            let id = item["id"] as? String ?? (kind == "link" ? linkID(item) : "?")
            result[id] = item
        }
        return result
    }

    static func linkID(_ link: [String: Any]) -> String {
        func end(_ value: Any?) -> String {
            let end = value as? [String: Any] ?? [:]
            if let switchID = end["switch"] as? String { return "\(switchID):\(end["port"] as? String ?? "?")" }
            return "\(end["host"] as? String ?? "?"):\(end["nic"] as? String ?? "?")"
        }
        return "\(end(link["a"]))--\(end(link["b"]))"
    }

    /// `wanted` with only the keys the server's version has and the server's defaults for the
    /// rest, so that a file relying on defaults does not show as changed.
    static func normalized(_ wanted: [String: Any], like current: [String: Any]) -> [String: Any] {
        var result = current
        for (key, value) in wanted { result[key] = value }
        return result
    }
}

/// `portwatch port why PORT`.
struct PortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port", abstract: "Explain ports' data-plane status.", subcommands: [Why.self])

    struct Why: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A port's data-plane assessment: status, state, root cause, faults, and recent history.")
        @Argument(help: "The port id.")
        var port: String
        @Option(help: "How many history entries to show (the API's limit).")
        var history = 10
        @OptionGroup var connection: ConnectionOptions
        func run() async throws {
            let client = try await connection.client()
            let assessment = try await ConnectionOptions.run { try await client.get("/v2.0/ports/\(port)/data-plane") }
            let trail = try await ConnectionOptions.run {
                try await client.get("/v2.0/ports/\(port)/data-plane-history?limit=\(max(1, history))")
            }
            let view = (assessment as? [String: Any])?["data_plane"] as? [String: Any] ?? [:]
            let entries = (trail as? [String: Any])?["history"] as? [[String: Any]] ?? []
            let combined: [String: Any] = ["data_plane": view, "history": entries]
            connection.output(combined) {
                let roots = (view["root_cause"] as? [[String: Any]] ?? []).map {
                    "\(Table.text($0["resource_type"])) \(Table.text($0["resource_id"]))"
                }
                var rows: [[String]] = [
                    ["FIELD", "VALUE"], ["port", port], ["data_plane_status", Table.text(view["data_plane_status"])],
                    ["manual_override", Table.text(view["manual_override"])], ["state", Table.text(view["state"])],
                    ["root_cause", roots.isEmpty ? "-" : roots.joined(separator: ", ")],
                ]
                for fault in view["faults"] as? [[String: Any]] ?? [] {
                    rows.append([
                        "fault",
                        "\(Table.text(fault["resource_type"])) \(Table.text(fault["resource_id"])) from \(Table.text(fault["source"])) since \(Table.text(fault["since"]))",
                    ])
                }
                for entry in entries {
                    rows.append([
                        "history",
                        "\(Table.text(entry["decided_at"])) \(Table.text(entry["previous"])) -> \(Table.text(entry["current"])) (\(Table.text(entry["data_plane_status"])))",
                    ])
                }
                return rows
            }
        }
    }
}
