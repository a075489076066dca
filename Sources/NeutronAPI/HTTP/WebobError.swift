import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PortwatchCore

/// An error answered in webob's shape instead of a `NeutronError` body: what Neutron's WSGI stack
/// says where its API controllers do not run (an unknown version, another method on `/`) and on the
/// extensions paths.
///
/// The rendering follows the request's `Accept`, as webob does: JSON when it names
/// `application/json`, HTML for `text/html` or `*/*`, plain text otherwise. Neutron's version
/// app writes its own short JSON (`{"code": 404, "title": "Not Found", "description": null}`).
///
/// Routes return ``response(to:)`` rather than throwing it: ``NeutronMiddleware`` answers what it
/// does not know as a 500.
struct WebobError: Sendable {
    enum Kind: Sendable {
        /// 404 from the version app (`/v3.0`, `/foo`).
        case versionNotFound
        /// 405 from the version app, naming the method (`POST /`).
        case versionMethodNotAllowed(String)
        /// webob's 404 with a detail: "Resource not found." (`POST /v2.0/extensions`), "Extension with
        /// alias x does not exist".
        case notFound(detail: String)
    }

    let kind: Kind

    var status: HTTPResponse.Status {
        switch kind {
        case .versionNotFound, .notFound: .notFound
        case .versionMethodNotAllowed: .methodNotAllowed
        }
    }

    func response(to request: Request) -> Response {
        let (contentType, body) = rendering(accept: request.headers[.accept] ?? "")
        var headers = HTTPFields()
        headers[.contentType] = contentType
        guard request.method == .head else {
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        // No body to a HEAD; Neutron still counts the JSON one, not the HTML or text one.
        headers[.contentLength] = contentType == "application/json" ? String(body.utf8.count) : "0"
        return Response(status: status, headers: headers, body: ResponseBody())
    }

    /// The content type and body webob picks for `accept`.
    func rendering(accept: String) -> (contentType: String, body: String) {
        let accept = accept.lowercased()
        if accept.contains("application/json") { return ("application/json", json) }
        if accept.contains("text/html") || accept.contains("*/*") { return ("text/html; charset=UTF-8", html) }
        return ("text/plain; charset=UTF-8", plain)
    }

    var json: String {
        switch kind {
        case .versionNotFound: #"{"code": 404, "title": "Not Found", "description": null}"#
        case .versionMethodNotAllowed: #"{"code": 405, "title": "Method Not Allowed", "description": ""}"#
        case .notFound(let detail):
            #"{"message": "The resource could not be found.<br /><br />\n"# + Self.jsonEscaped(detail)
                + #"\n\n", "code": "404 Not Found", "title": "Not Found"}"#
        }
    }

    var html: String {
        let (title, text) =
            switch kind {
            case .versionNotFound: ("404 Not Found", "The resource could not be found.<br /><br />\n\n\n")
            case .versionMethodNotAllowed(let method):
                ("405 Method Not Allowed", "The method \(method) is not allowed for this resource. <br /><br />\n")
            case .notFound(let detail):
                ("404 Not Found", "The resource could not be found.<br /><br />\n\(WebobError.htmlEscaped(detail))\n\n")
            }
        return
            "<html>\n <head>\n  <title>\(title)</title>\n </head>\n <body>\n  <h1>\(title)</h1>\n  \(text)\n </body>\n</html>"
    }

    var plain: String {
        switch kind {
        case .versionNotFound: "404 Not Found\n\nThe resource could not be found.\n\n   "
        case .versionMethodNotAllowed(let method):
            "405 Method Not Allowed\n\nThe method \(method) is not allowed for this resource. \n\n "
        case .notFound(let detail): "404 Not Found\n\nThe resource could not be found.\n\n \(detail)  "
        }
    }

    /// `text` as it stands inside a JSON string (webob's JSON keeps Python's spacing, which
    /// ``JSONWriter`` does not write, so only the string goes through it).
    static func jsonEscaped(_ text: String) -> String {
        var writer = JSONWriter(capacity: text.utf8.count + 8)
        writer.string(text)
        return String(decoding: writer.bytes.dropFirst().dropLast(), as: UTF8.self)
    }

    /// `text` with HTML's special characters escaped, as webob's HTML template does.
    static func htmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
