import HTTPTypes
import Hummingbird
import NIOCore
import PortwatchCore

extension NeutronError: HTTPResponseError {
    public var status: HTTPResponse.Status { .init(code: httpStatus) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.make(status: status, bytes: bodyBytes)
    }

    /// `{"NeutronError": {"type", "message", "detail"}}`, or the inner object alone when ``isBare``.
    var bodyBytes: [UInt8] {
        var writer = JSONWriter(capacity: 128)
        if !isBare {
            writer.beginObject()
            writer.key("NeutronError")
        }
        writer.beginObject()
        writer.key("type"); writer.string(type)
        writer.key("message"); writer.string(message)
        writer.key("detail"); writer.string(detail)
        writer.endObject()
        if !isBare { writer.endObject() }
        return writer.bytes
    }
}

/// Builds JSON responses from rendered bytes.
enum JSONResponse {
    static func make(status: HTTPResponse.Status = .ok, bytes: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func noContent(_ status: HTTPResponse.Status = .noContent) -> Response {
        Response(status: status)
    }
}
