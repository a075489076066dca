import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization

/// A local HTTP server receiving webhook POSTs: `/ok` accepts after failing the first
/// `failFirst` requests with 503, `/fail` always answers 500.
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        var path: String
        var body: [UInt8]
        var headers: HTTPFields
        var accepted: Bool
    }

    private let state: Mutex<(failuresLeft: Int, deliveries: [Delivery])>

    init(failFirst: Int = 0) {
        state = Mutex((failFirst, []))
    }

    var deliveries: [Delivery] { state.withLock { $0.deliveries } }
    var accepted: [Delivery] { deliveries.filter(\.accepted) }

    private func receive(path: String, body: [UInt8], headers: HTTPFields) -> HTTPResponse.Status {
        state.withLock { state in
            let accept = path == "/ok" && state.failuresLeft == 0
            if path == "/ok" && state.failuresLeft > 0 { state.failuresLeft -= 1 }
            state.deliveries.append(Delivery(path: path, body: body, headers: headers, accepted: accept))
            return accept ? .noContent : (path == "/ok" ? .serviceUnavailable : .internalServerError)
        }
    }

    /// Runs `body` with the receiver listening on 127.0.0.1; passes its base URL.
    func serve(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/{name}") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let status = self.receive(
                path: request.uri.path, body: Array(bytes.readableBytesView), headers: request.headers)
            if request.uri.path == "/redirect" {
                // Bounces to /ok: a client that follows it would deliver there.
                return Response(status: .temporaryRedirect, headers: [.location: "/ok"])
            }
            return Response(status: status)
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: testLogger)
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }
}
