/// The RFC 7047 methods.
extension OVSDBClient {
    /// `list_dbs` (§4.1.1): the names of the databases the server serves.
    public func listDatabases() async throws -> [String] {
        let result = try await call("list_dbs", [])
        guard let names = result.arrayValue?.compactMap(\.stringValue) else {
            throw OVSDBError(code: .unexpectedResponse, message: "list_dbs returned \(result)")
        }
        return names
    }

    /// `get_schema` (§4.1.2): the schema of `database`.
    public func schema(of database: String) async throws -> OVSDBSchema {
        try OVSDBSchema(json: try await call("get_schema", [.string(database)]))
    }

    /// `monitor` (§4.1.5): starts reporting changes to the requested tables and returns the
    /// initial snapshot. Later changes arrive on ``notifications`` as `update` notifications whose
    /// first parameter is `id` and second the ``OVSDBTableUpdates`` JSON.
    public func monitor(
        database: String, id: JSONValue, requests: [String: OVSDBMonitorRequest]
    ) async throws -> OVSDBTableUpdates {
        let result = try await call("monitor", [.string(database), id, .object(requests.mapValues(\.json))])
        return try OVSDBTableUpdates(json: result)
    }

    /// `monitor_cancel` (§4.1.7): stops the monitor started with `id`.
    public func cancelMonitor(id: JSONValue) async throws {
        _ = try await call("monitor_cancel", [id])
    }

    /// `transact` (§4.1.3): runs `operations` (§5.2, as JSON objects) atomically and returns one
    /// result per operation.
    ///
    /// ```swift
    /// let results = try await client.transact(database: "Open_vSwitch", operations: [
    ///     ["op": "select", "table": "Interface", "where": [], "columns": ["name"]],
    /// ])
    /// ```
    ///
    /// - Throws: ``OVSDBError/Code/transactionFailed`` when an operation reports an `error` (the
    ///   whole transaction was then rolled back); its message names the error and details.
    @discardableResult
    public func transact(database: String, operations: [JSONValue]) async throws -> [JSONValue] {
        let result = try await call("transact", [.string(database)] + operations)
        guard let results = result.arrayValue else {
            throw OVSDBError(code: .unexpectedResponse, message: "transact returned \(result)")
        }
        if let failure = results.first(where: { $0["error"] != nil && $0["error"] != .null }) {
            let error = failure["error"]?.stringValue ?? "\(failure)"
            let details = failure["details"]?.stringValue.map { ": \($0)" } ?? ""
            throw OVSDBError(code: .transactionFailed, message: "\(error)\(details)", serverError: failure)
        }
        return results
    }

    /// `echo` (§4.1.11): a round trip; returns when the server answered.
    public func echo() async throws {
        _ = try await call("echo", [])
    }

    /// `lock` (§4.1.8): asks for the named lock; `true` when granted at once. When `false`, this
    /// session is queued for it until ``unlock(_:)`` (a `locked` notification says when granted).
    public func lock(_ name: String) async throws -> Bool {
        let result = try await call("lock", [.string(name)])
        guard case .bool(let locked) = result["locked"] else {
            throw OVSDBError(code: .unexpectedResponse, message: "lock returned \(result)")
        }
        return locked
    }

    /// `unlock` (§4.1.10): releases the named lock, or leaves its queue.
    public func unlock(_ name: String) async throws {
        _ = try await call("unlock", [.string(name)])
    }
}
