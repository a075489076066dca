import Hummingbird
import NIOCore
import PortwatchCore

/// Reads a request body as Neutron does: JSON only, whatever the Content-Type says.
enum RequestBody {
    /// The most a body may carry (bulk creates of thousands of ports fit).
    static let maxSize = 64 * 1024 * 1024

    /// The parsed JSON body; 400 "Body contains invalid data" when it is not JSON,
    /// "Resource body required" when empty.
    static func json(_ request: Request) async throws -> JSONValue {
        let buffer = try await request.body.collect(upTo: maxSize)
        guard buffer.readableBytes > 0 else { throw NeutronError.badRequest("Resource body required") }
        do {
            return try JSONValue.parse(buffer.readableBytesView)
        } catch {
            throw NeutronError.badRequest("Body contains invalid data")
        }
    }

    /// The resource objects of a create: `{"port": {...}}` (one) or `{"ports": [...]}` (bulk).
    static func resources(
        _ body: JSONValue, singular: String, plural: String
    ) throws(NeutronError) -> (items: [[String: JSONValue]], bulk: Bool) {
        guard let object = body.objectValue else { throw .badRequest("Body contains invalid data") }
        if let list = object[plural] {
            guard let items = list.arrayValue, !items.isEmpty else { throw .badRequest("Resources required") }
            return (
                try items.map { item throws(NeutronError) in
                    guard let item = item.objectValue else { throw .badRequest("Body contains invalid data") }
                    return item
                }, true
            )
        }
        guard let item = object[singular] else { throw .badRequest("Unable to find '\(singular)' in request body") }
        guard let item = item.objectValue else { throw .badRequest("Body contains invalid data") }
        return ([item], false)
    }

    /// The resource object of an update: `{"port": {...}}`.
    static func resource(_ body: JSONValue, singular: String) throws(NeutronError) -> [String: JSONValue] {
        guard let object = body.objectValue else { throw .badRequest("Body contains invalid data") }
        guard let item = object[singular] else { throw .badRequest("Unable to find '\(singular)' in request body") }
        guard let item = item.objectValue else { throw .badRequest("Body contains invalid data") }
        return item
    }
}
