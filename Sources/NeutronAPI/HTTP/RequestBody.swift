import Hummingbird
import NIOCore
import PortwatchCore

/// Reads a request body as Neutron does: JSON only, whatever the Content-Type says.
///
/// Every endpoint has a size limit (documented in the README); a larger body is answered 413 before
/// it is parsed — at once when `Content-Length` says so, otherwise as soon as the bytes read pass
/// the limit. JSON nested deeper than ``JSONValue/maxNestingDepth`` is 400.
enum RequestBody {
    /// Network, port and tag writes: 1 MiB (a bulk create of about 2,000 ports; Neutron's own
    /// `max_request_body_size` is 112 KiB).
    static let resourceLimit = 1 << 20
    /// Fault events, native and foreign: 8 MiB.
    static let eventLimit = 8 << 20
    /// A whole topology document: 32 MiB (a fabric of thousands of hosts).
    static let topologyLimit = 32 << 20
    /// Small objects (maintenance, webhook subscriptions): 64 KiB.
    static let smallLimit = 64 << 10

    /// The body's bytes, at most `limit` of them (413 otherwise).
    static func bytes(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw tooLarge(limit)
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge(limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge(limit)  // a chunked body past the limit
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // Malformed chunked encoding or a body cut short: the client's bytes, not our failure.
            throw NeutronError.badRequest("The request body could not be read: it is malformed or truncated.")
        }
    }

    static func tooLarge(_ limit: Int) -> NeutronError {
        NeutronError(
            status: 413, type: "HTTPRequestEntityTooLarge",
            message: "Request is too large: this endpoint accepts bodies of at most \(limit) bytes.")
    }

    /// The parsed JSON body; 400 "Body contains invalid data" when it is not JSON (or nests too
    /// deep), "Resource body required" when empty.
    static func json(_ request: Request, limit: Int = resourceLimit) async throws -> JSONValue {
        let buffer = try await bytes(request, limit: limit)
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
