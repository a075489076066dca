import Hummingbird
import Metrics
import NeutronAPI
import Synchronization

/// Request counts by method and status, and durations by method: the handles, created once per
/// label set and reused.
///
/// Lighter than Hummingbird's `MetricsMiddleware`, which creates its metric handles on every request
/// (a registry lookup under a lock): measured here, that cost a third of the GET throughput.
final class RequestMetrics: Sendable {
    private let counters = Mutex<[String: Counter]>([:])
    private let timers = Mutex<[String: Metrics.Timer]>([:])

    /// Counts one answered request and records how long it took.
    func record(method: String, status: Int, since started: ContinuousClock.Instant) {
        counter(method: method, status: status).increment()
        let elapsed = ContinuousClock.now - started
        let (seconds, attoseconds) = elapsed.components
        timer(method: method).recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Counts one port read answered on the event loop, from the connection's bytes
    /// (``PortReadPreParser``, `bytes`) or behind NIO's decoder (``PortReadFastPath``, `decoded`).
    func recordFastRead(stage: String) {
        counters.withLock { counters in
            // Keyed by the stage alone: the other keys are "<method> <status>", with a space.
            if let counter = counters[stage] { return counter }
            let counter = Counter(label: "portwatch_http_fast_reads_total", dimensions: [("stage", stage)])
            counters[stage] = counter
            return counter
        }.increment()
    }

    /// Counts one port update answered on the event loop (``PortReadFastPath``), whatever its status.
    func recordFastWrite() {
        fastWrites.increment()
    }

    private let fastWrites = Counter(label: "portwatch_http_fast_writes_total")

    private func counter(method: String, status: Int) -> Counter {
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

    private func timer(method: String) -> Metrics.Timer {
        timers.withLock { timers in
            if let timer = timers[method] { return timer }
            let timer = Metrics.Timer(
                label: "portwatch_http_request_duration_seconds", dimensions: [("method", method)])
            timers[method] = timer
            return timer
        }
    }
}

/// Records ``RequestMetrics`` for every request routed after it.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = PortwatchRequestContext

    let metrics: RequestMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let method = request.method.rawValue
        do {
            let response = try await next(request, context)
            metrics.record(method: method, status: response.status.code, since: started)
            return response
        } catch let error as any HTTPResponseError {
            metrics.record(method: method, status: error.status.code, since: started)
            throw error
        } catch {
            metrics.record(method: method, status: 500, since: started)
            throw error
        }
    }
}
