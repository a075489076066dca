import Hummingbird
import Metrics
import NeutronAPI
import Synchronization

/// Request counts by method and status, and durations by method.
///
/// Lighter than Hummingbird's `MetricsMiddleware`, which creates its metric handles on every request
/// (a registry lookup under a lock): measured here, that cost a third of the GET throughput. The
/// handles are created once per label set and reused.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = PortwatchRequestContext

    private final class Handles: Sendable {
        let counters = Mutex<[String: Counter]>([:])
        let timers = Mutex<[String: Metrics.Timer]>([:])

        func counter(method: String, status: Int) -> Counter {
            let key = "\(method) \(status)"
            return counters.withLock { counters in
                if let counter = counters[key] { return counter }
                let counter = Counter(
                    label: "portwatch_http_requests_total",
                    dimensions: [("method", method), ("status", String(status))])
                counters[key] = counter
                return counter
            }
        }

        func timer(method: String) -> Metrics.Timer {
            timers.withLock { timers in
                if let timer = timers[method] { return timer }
                let timer = Metrics.Timer(
                    label: "portwatch_http_request_duration_seconds", dimensions: [("method", method)])
                timers[method] = timer
                return timer
            }
        }
    }

    private let handles = Handles()

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let method = request.method.rawValue
        do {
            let response = try await next(request, context)
            record(method: method, status: response.status.code, since: started)
            return response
        } catch let error as any HTTPResponseError {
            record(method: method, status: error.status.code, since: started)
            throw error
        } catch {
            record(method: method, status: 500, since: started)
            throw error
        }
    }

    private func record(method: String, status: Int, since started: ContinuousClock.Instant) {
        handles.counter(method: method, status: status).increment()
        let elapsed = ContinuousClock.now - started
        let (seconds, attoseconds) = elapsed.components
        handles.timer(method: method).recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
