import GRDB
import GRDBSQLite

/// One of GRDB's cached statements, run with its values bound directly through the SQLite C API.
///
/// A storm commits tens of thousands of rows in one transaction; GRDB's `execute(arguments:)` boxes
/// each value in an existential `DatabaseValueConvertible`, builds `StatementArguments` and copies
/// blobs into `Data` first, which cost the commit about as much as SQLite's own work. Values bound
/// here are copied by SQLite (`SQLITE_TRANSIENT`) straight from the caller's storage.
struct BoundStatement {
    private let handle: SQLiteStatement
    private let connection: SQLiteConnection

    /// Statements of `db`'s cache (GRDB resets and rebinds them before any use of its own).
    init(_ db: Database, sql: String) throws {
        handle = try db.cachedStatement(sql: sql).sqliteStatement
        connection = db.sqliteConnection!
    }

    /// Binds the values `bind` writes, in order, runs the statement to completion and resets it.
    func run(_ bind: (inout Values) -> Void) throws {
        var values = Values(handle: handle)
        bind(&values)
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)))
        }
    }

    /// The parameters of one run, bound left to right.
    struct Values {
        fileprivate let handle: SQLiteStatement
        private var index: Int32 = 1

        fileprivate init(handle: SQLiteStatement) {
            self.handle = handle
        }

        mutating func text(_ value: String) {
            var value = value
            value.withUTF8 { bytes in
                _ = sqlite3_bind_text(handle, index, bytes.baseAddress, Int32(bytes.count), transient)
            }
            index += 1
        }

        mutating func text(_ value: String?) {
            if let value { text(value) } else { null() }
        }

        mutating func blob(_ value: [UInt8]) {
            value.withUnsafeBytes { bytes in
                // A zero-length blob needs a non-null pointer to be a blob, not NULL.
                _ = sqlite3_bind_blob(
                    handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count), transient)
            }
            index += 1
        }

        mutating func int(_ value: Int64) {
            sqlite3_bind_int64(handle, index, value)
            index += 1
        }

        mutating func int(_ value: Int64?) {
            if let value { int(value) } else { null() }
        }

        mutating func double(_ value: Double) {
            sqlite3_bind_double(handle, index, value)
            index += 1
        }

        mutating func null() {
            sqlite3_bind_null(handle, index)
            index += 1
        }
    }
}

/// SQLite copies a value bound with this destructor before the bind returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
