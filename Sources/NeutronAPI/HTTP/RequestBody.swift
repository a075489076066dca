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

    /// The body of a network or port write: like ``json(_:limit:)``, except that an empty body is
    /// `{}`, as Neutron reads it (the write then fails on its missing resource key, not on the body).
    static func resourceJSON(_ request: Request) async throws -> JSONValue {
        let buffer = try await bytes(request, limit: resourceLimit)
        guard buffer.readableBytes > 0 else { return .object([:]) }
        do {
            return try JSONValue.parse(buffer.readableBytesView)
        } catch {
            throw NeutronError.badRequest("Body contains invalid data")
        }
    }

    /// The resource entries of a create: `{"port": {...}}` (one) or `{"ports": [...]}` (bulk, which
    /// wins when both keys are there). Each entry still goes through ``item(_:singular:)``, in order,
    /// so that the first bad entry decides the error, as in Neutron.
    ///
    /// Neutron iterates whatever the plural key holds: a value Python finds false (`null`, `0`, `""`,
    /// `[]`, `{}`, `false`) is "Resources required", a string or an object iterates into strings
    /// ("Object 'port' contains invalid data"), any other scalar cannot be iterated ("Body contains
    /// invalid data").
    static func resources(
        _ body: JSONValue, singular: String, plural: String
    ) throws(NeutronError) -> (items: [JSONValue], bulk: Bool) {
        guard let object = body.objectValue else { throw invalidBody }
        guard let list = object[plural] else { return ([.object(try resource(body, singular: singular))], false) }
        switch list {
        case .null, .bool(false), .int(0), .double(0), .string(""), .array([]), .object([:]):
            throw .badRequest("Resources required")
        case .array(let items):
            return (items, true)
        case .string, .object:
            throw invalidObject(singular)
        case .bool, .int, .double:
            throw invalidBody
        }
    }

    /// One entry of a bulk create: an object, else Neutron's error for what stands there.
    static func item(_ value: JSONValue, singular: String) throws(NeutronError) -> [String: JSONValue] {
        switch value {
        case .object(let fields): return fields
        case .string, .array: throw invalidObject(singular)
        case .null, .bool, .int, .double: throw invalidBody
        }
    }

    /// The resource object of an update: `{"port": {...}}`; a `null` value counts as missing.
    static func resource(_ body: JSONValue, singular: String) throws(NeutronError) -> [String: JSONValue] {
        guard let object = body.objectValue else { throw invalidBody }
        guard let item = object[singular], item != .null else {
            throw .badRequest("Unable to find '\(singular)' in request body")
        }
        guard let fields = item.objectValue else { throw invalidObject(singular) }
        return fields
    }

    /// An update body: ``resource(_:singular:)``, after refusing a bulk body (any value under the
    /// plural key) as Neutron does.
    static func update(
        _ body: JSONValue, singular: String, plural: String
    ) throws(NeutronError) -> [String: JSONValue] {
        if body.objectValue?[plural] != nil { throw .badRequest("Bulk operation not supported") }
        return try resource(body, singular: singular)
    }

    static var invalidBody: NeutronError { .badRequest("Body contains invalid data") }

    static func invalidObject(_ singular: String) -> NeutronError {
        .badRequest("Object '\(singular)' contains invalid data")
    }
}
