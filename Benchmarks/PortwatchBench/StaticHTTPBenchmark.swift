import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A bare Hummingbird server answering one route with fixed bytes: what the framework costs
/// without Portwatch's middleware, policy, state lookup and rendering.
enum StaticHTTPBenchmark {
    static func run(port: Int, file: String) async throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        let router = Router()
        router.get("**") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
    }
}
