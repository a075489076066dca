import Logging
import PortwatchCore
import PortwatchStore
import ServiceLifecycle

/// Streams outbox records as Server-Sent Events: first the stored ones after a given sequence (a
/// client's `Last-Event-ID`), then each new one as it commits, with a comment as heartbeat while
/// nothing happens. Ends when writing fails (the client went away) or on graceful shutdown.
///
/// ```swift
/// try await liveStream.run(after: lastEventID, include: { $0.event.projectID == project }) { bytes in
///     try await writer.write(ByteBuffer(bytes: bytes))
/// }
/// ```
public struct OutboxLiveStream: Sendable {
    let repository: Repository
    let signal: OutboxSignal
    /// Time between heartbeat comments when no record is sent.
    public let heartbeatInterval: Duration
    let batchSize = 256
    /// The newest sequence when this source was created (before the writer ran: all committed).
    let initialSequence: Int64

    /// Creates a stream source; create it before the repository's writer runs.
    public init(repository: Repository, signal: OutboxSignal, heartbeatInterval: Duration = .seconds(15)) {
        self.repository = repository
        self.signal = signal
        self.heartbeatInterval = heartbeatInterval
        initialSequence = repository.lastOutboxSequence
    }

    /// The sequence a stream without `Last-Event-ID` starts after: the newest committed record
    /// (not ``Repository/lastOutboxSequence``, which counts a batch being committed, whose records
    /// would then be skipped).
    public var currentSequence: Int64 { max(initialSequence, signal.newestCommitted) }

    /// Writes events for the records after `sequence` that `include` accepts (as `transform` makes
    /// them, e.g. the view of an unprivileged caller), until the client goes away (`write` throws),
    /// the server shuts down, or `limit` events were written.
    ///
    /// With `fabric`, each change of the fabric's state (faults, maintenance, topology) also writes a
    /// `portwatch.fabric.update` event (`data: {"revision": N}`, no `id`, not counted in `limit`), so a
    /// console reloads the fabric when it changes: every change after revision `fabricAfter` (read it
    /// when the request arrives, as `sequence` is).
    public func run(
        after sequence: Int64, limit: Int? = nil, include: (OutboxRecord) -> Bool,
        transform: ((OutboxRecord) -> OutboxRecord)? = nil, fabric: FabricChangeSignal? = nil,
        fabricAfter: Int64 = 0, write: ([UInt8]) async throws -> Void
    ) async throws {
        var remaining = limit ?? Int.max
        guard remaining > 0 else { return }
        let stop = StopSignal()
        try await withGracefulShutdownHandler {
            try await write(ServerSentEvent.comment("portwatch outbox stream"))
            var cursor = sequence
            var fabricRevision = fabricAfter
            while !stop.isStopped && !Task.isCancelled {
                if let fabric, fabric.current > fabricRevision {
                    fabricRevision = fabric.current
                    try await write(Self.fabricEvent(revision: fabricRevision))
                }
                let records = try await repository.backend.outboxRecords(after: cursor, limit: batchSize)
                if let last = records.last {
                    cursor = last.sequence
                    var chunk: [UInt8] = []
                    for record in records where remaining > 0 && include(record) {
                        ServerSentEvent.frame(transform?(record) ?? record, into: &chunk)
                        remaining -= 1
                    }
                    if !chunk.isEmpty { try await write(chunk) }
                    if remaining == 0 { return }
                    continue
                }
                let after = cursor
                let woken = WokenFlag()
                let seenRevision = fabricRevision
                await stop.idle { [signal, heartbeatInterval] in
                    if await Self.wake(signal, after: after, fabric: fabric, seenRevision, timeout: heartbeatInterval) {
                        woken.set()
                    }
                }
                if !woken.value && !stop.isStopped {
                    try await write(ServerSentEvent.comment("heartbeat"))
                }
            }
        } onGracefulShutdown: {
            stop.stop()
        }
    }

    /// Waits for a record after `sequence` or, with `fabric`, a fabric revision after `revision`, at
    /// most `timeout`; `false` on timeout.
    static func wake(
        _ signal: OutboxSignal, after sequence: Int64, fabric: FabricChangeSignal?, _ revision: Int64,
        timeout: Duration
    ) async -> Bool {
        guard let fabric else { return await signal.wait(after: sequence, timeout: timeout) }
        return await OutboxSignal.first(
            of: [{ await signal.wait(after: sequence) }, { await fabric.wait(after: revision) }], timeout: timeout)
    }

    /// `event: portwatch.fabric.update` with the revision as data.
    static func fabricEvent(revision: Int64) -> [UInt8] {
        Array("event: portwatch.fabric.update\ndata: {\"revision\": \(revision)}\n\n".utf8)
    }
}
