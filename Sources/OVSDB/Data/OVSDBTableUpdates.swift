/// One row's column values, by column name.
public typealias OVSDBRow = [String: OVSDBDatum]

/// What happened to one row (RFC 7047 §4.1.6 `<row-update>`): `old` is absent for an insert or
/// an initial row, `new` is absent for a delete.
public struct OVSDBRowUpdate: Sendable, Hashable {
    public var old: OVSDBRow?
    public var new: OVSDBRow?

    public init(old: OVSDBRow?, new: OVSDBRow?) {
        self.old = old
        self.new = new
    }
}

/// A monitor's snapshot or update: row updates by table name, then by row UUID.
public struct OVSDBTableUpdates: Sendable, Hashable {
    public var tables: [String: [String: OVSDBRowUpdate]]

    public init(tables: [String: [String: OVSDBRowUpdate]]) {
        self.tables = tables
    }

    /// Decodes `<table-updates>` from JSON.
    public init(json: JSONValue) throws(OVSDBError) {
        guard case .object(let tables) = json else {
            throw OVSDBError(code: .malformedMessage, message: "table-updates is not an object")
        }
        var decoded: [String: [String: OVSDBRowUpdate]] = [:]
        for (table, rows) in tables {
            guard case .object(let rows) = rows else {
                throw OVSDBError(code: .malformedMessage, message: "table-update for \(table) is not an object")
            }
            var updates: [String: OVSDBRowUpdate] = [:]
            for (uuid, update) in rows {
                updates[uuid] = OVSDBRowUpdate(
                    old: try update["old"].map { json throws(OVSDBError) in try Self.row(json) },
                    new: try update["new"].map { json throws(OVSDBError) in try Self.row(json) })
            }
            decoded[table] = updates
        }
        self.tables = decoded
    }

    private static func row(_ json: JSONValue) throws(OVSDBError) -> OVSDBRow {
        guard case .object(let columns) = json else {
            throw OVSDBError(code: .malformedMessage, message: "a row is not an object")
        }
        var row: OVSDBRow = [:]
        for (column, value) in columns { row[column] = try OVSDBDatum(json: value) }
        return row
    }
}

/// What to monitor in one table (RFC 7047 §4.1.5 `<monitor-request>`).
public struct OVSDBMonitorRequest: Sendable, Hashable {
    /// The columns to report; empty means all.
    public var columns: [String]
    /// Which kinds of change to report; all four unless told otherwise.
    public var initial = true
    public var insert = true
    public var delete = true
    public var modify = true

    public init(columns: [String]) {
        self.columns = columns
    }

    var json: JSONValue {
        [
            "columns": .array(columns.map(JSONValue.string)),
            "select": [
                "initial": .bool(initial), "insert": .bool(insert), "delete": .bool(delete),
                "modify": .bool(modify),
            ],
        ]
    }
}

/// The parts of a database schema (RFC 7047 §3.2) a client checks before monitoring.
public struct OVSDBSchema: Sendable, Hashable {
    /// The database name, `Open_vSwitch` for ovs-vswitchd's database.
    public var name: String
    /// The schema version, e.g. `8.3.1`.
    public var version: String?
    /// Column names by table name.
    public var tables: [String: Set<String>]

    /// Decodes the parts of a `<database-schema>` kept here.
    public init(json: JSONValue) throws(OVSDBError) {
        guard let name = json["name"]?.stringValue, let tables = json["tables"]?.objectValue else {
            throw OVSDBError(code: .unexpectedResponse, message: "get_schema returned no name or tables")
        }
        self.name = name
        self.version = json["version"]?.stringValue
        self.tables = tables.mapValues { table in Set(table["columns"]?.objectValue?.keys.map { $0 } ?? []) }
    }
}
