import ArgumentParser
import Foundation
import PortwatchClient

/// `portwatch what-if switch lf3 down`: asks a running Portwatch which ports a fault or maintenance
/// would take down, degrade or bring back (`POST /v2.0/data-plane-what-if`); nothing is applied.
struct WhatIfCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "what-if",
        abstract:
            "Predict which ports a fault or maintenance would take down, degrade or bring back (nothing is applied).",
        discussion: """
            portwatch what-if switch lf3 down
            portwatch what-if host compute-7 maintenance
            portwatch what-if switch spine-1 down --and switch spine-2 down
            """)

    static let changes = ["down", "up", "maintenance", "end-maintenance"]

    @Argument(help: "Resource type: \(resourceTypes.joined(separator: ", ")).")
    var resourceType: String
    @Argument(help: "Resource id.")
    var resourceID: String
    @Argument(help: "What happens to it: \(changes.joined(separator: ", ")).")
    var change: String
    @Option(
        name: .customLong("and"), parsing: .upToNextOption,
        help: "Another change in the same scenario: TYPE ID CHANGE (repeatable).")
    var more: [String] = []
    @Option(help: "Ports listed in the table at most (the JSON has them all).")
    var limit = 50
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard more.count % 3 == 0 else { throw ValidationError("--and takes TYPE ID CHANGE") }
        for step in steps {
            guard resourceTypes.contains(step.type) else {
                throw ValidationError("resource type must be one of \(resourceTypes.joined(separator: ", "))")
            }
            guard Self.changes.contains(step.change) else {
                throw ValidationError("the change must be one of \(Self.changes.joined(separator: ", "))")
            }
            if step.change.hasSuffix("maintenance"), !["switch", "host"].contains(step.type) {
                throw ValidationError("maintenance applies to a switch or a host")
            }
        }
    }

    var steps: [(type: String, id: String, change: String)] {
        [(resourceType, resourceID, change)]
            + stride(from: 0, to: more.count - more.count % 3, by: 3).map { (more[$0], more[$0 + 1], more[$0 + 2]) }
    }

    /// The request body: events for down/up, maintenance changes for the others.
    var body: [String: Any] {
        var events: [[String: Any]] = []
        var maintenance: [[String: Any]] = []
        for step in steps {
            switch step.change {
            case "down", "up":
                events.append([
                    "resource_type": step.type, "resource_id": step.id, "state": step.change, "source": "what-if",
                ])
            default:
                maintenance.append([
                    "resource_type": step.type, "resource_id": step.id, "active": step.change == "maintenance",
                ])
            }
        }
        var body: [String: Any] = [:]
        if !events.isEmpty { body["events"] = events }
        if !maintenance.isEmpty { body["maintenance"] = maintenance }
        return body
    }

    func run() async throws {
        let client = try await connection.client()
        let request = body
        let answer = try await ConnectionOptions.run {
            try await client.send(.post, "/v2.0/data-plane-what-if", json: request)
        }
        let prediction = (answer as? [String: Any])?["what_if"] as? [String: Any] ?? [:]
        let summary = prediction["summary"] as? [String: Any] ?? [:]
        let ports = prediction["ports"] as? [[String: Any]] ?? []
        connection.output(answer) {
            var rows = [["PORT", "PROJECT", "INSTANCE", "NOW", "AFTER", "DATA_PLANE_STATUS"]]
            rows += ports.prefix(limit).map {
                [
                    Table.text($0["name"]).isEmpty
                        ? Table.text($0["id"]) : Table.text($0["id"]) + " (" + Table.text($0["name"]) + ")",
                    Table.text($0["project_id"]), Table.text($0["device_id"]), Table.text($0["state_before"]),
                    Table.text($0["state"]), Table.text($0["data_plane_status_after"]),
                ]
            }
            rows.append([
                "would go DOWN: \(Table.text(summary["down"]))", "degraded: \(Table.text(summary["degraded"]))",
                "back up: \(Table.text(summary["up"]))", "", "",
                ports.count > limit ? "(\(ports.count - limit) more)" : "",
            ])
            for group in prediction["by_project"] as? [[String: Any]] ?? [] {
                rows.append([
                    "project \(Table.text(group["id"]))", "DOWN \(Table.text(group["down"]))",
                    "degraded \(Table.text(group["degraded"]))", "up \(Table.text(group["up"]))", "", "",
                ])
            }
            return rows
        }
    }
}
