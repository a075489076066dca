import Foundation
import PortwatchCore
import PortwatchStore
import Synchronization

/// Bridge mode's memory: the ``NeutronPortRecord``s as committed, the writes in flight, and what
/// the admin API and `/readyz` report. Records change only after the transaction that stores them
/// is durable (``commit(_:_:)``), and every step that reads and then writes them runs one at a
/// time through ``commit(_:_:)``, so a step never works from records another step is changing.
public final class BridgeState: Sendable {
    struct Memory {
        var records: [String: NeutronPortRecord] = [:]
        var inFlight: [String: DataPlaneStatus?] = [:]
        var lastSync: Date?
        var lastSyncError: String?
        var neutronReachable = false
        var brokerConnected: Bool?
        var lastNotificationLag: Double?
        var failedWrites: [String: String] = [:]
        /// When a notification last changed each port or network (kept ten minutes).
        var notified: [String: ContinuousClock.Instant] = [:]
    }

    let repository: Repository
    private let memory = Mutex(Memory())
    private let serial = SerialSteps()
    private let observers = Mutex<[@Sendable (Set<String>) -> Void]>([])

    /// The state over `repository`, with the records it stored.
    public init(repository: Repository) async throws {
        self.repository = repository
        var records: [String: NeutronPortRecord] = [:]
        for document in try await repository.backend.documents(ofKind: NeutronPortRecord.kind) {
            if let record = NeutronPortRecord(body: document.body) { records[document.id] = record }
        }
        memory.withLock { $0.records = records }
    }

    /// Replaces the records with the stored ones and forgets the writes in flight and their
    /// failures: a replica elected writer resumes from what the previous writer stored.
    public func reload() async throws {
        var records: [String: NeutronPortRecord] = [:]
        for document in try await repository.backend.documents(ofKind: NeutronPortRecord.kind) {
            if let record = NeutronPortRecord(body: document.body) { records[document.id] = record }
        }
        memory.withLock { memory in
            memory.records = records
            memory.inFlight = [:]
            memory.failedWrites = [:]
        }
    }

    /// Applies the records a follower read from the change log (a nil body: deleted), so that its
    /// backlog and status show what the writer stored.
    public func followed(_ documents: [(kind: String, id: String, body: [UInt8]?)]) {
        memory.withLock { memory in
            for document in documents where document.kind == NeutronPortRecord.kind {
                memory.records[document.id] = document.body.flatMap(NeutronPortRecord.init(body:))
            }
        }
    }

    /// The record of `portID`, if Neutron has the port.
    public func record(_ portID: String) -> NeutronPortRecord? { memory.withLock { $0.records[portID] } }

    /// The record and the mirrored port of `portID` once every mirror step begun before has been
    /// applied (a step's commit reaches the repository's observers before its records reach
    /// memory; reading through the steps' order never pairs a new verdict with an old record).
    func settled(_ portID: String) async -> (NeutronPortRecord?, PortwatchCore.Port?) {
        (try? await serial.run { (self.record(portID), self.repository.port(portID)) }) ?? (nil, nil)
    }

    /// Every record (a copy).
    public var records: [String: NeutronPortRecord] { memory.withLock { $0.records } }

    /// Registers a callback run with the ports whose records changed (after their commit).
    func observeRecords(_ observer: @escaping @Sendable (Set<String>) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    /// Runs a mirror step in the store, one step at a time, and applies its outcome once durable.
    @discardableResult
    func commit(
        _ name: String,
        _ step:
            @escaping @Sendable (inout ChangeSet, [String: NeutronPortRecord], [String: DataPlaneStatus?]) ->
            ChangeSet.MirrorOutcome
    ) async throws -> ChangeSet.MirrorOutcome {
        try await serial.run {
            let (records, inFlight) = self.memory.withLock { ($0.records, $0.inFlight) }
            let outcome = try await self.repository.write { changeSet in step(&changeSet, records, inFlight) }
            self.memory.withLock { memory in
                for (id, record) in outcome.records { memory.records[id] = record }
                for id in outcome.removed {
                    memory.records[id] = nil
                    memory.failedWrites[id] = nil
                }
            }
            let touched = Set(outcome.records.keys).union(outcome.removed)
            if !touched.isEmpty {
                for observer in self.observers.withLock({ $0 }) { observer(touched) }
            }
            return outcome
        }
    }

    /// Records that notifications changed `ids` now (see ``changedByNotifications(since:)``).
    func notified(_ ids: Set<String>) {
        let now = ContinuousClock.now
        memory.withLock { memory in
            for id in ids { memory.notified[id] = now }
            if memory.notified.count > 10_000 {
                memory.notified = memory.notified.filter { now - $0.value < .seconds(600) }
            }
        }
    }

    /// What notifications changed at or after `instant`, which a full sync that read Neutron at
    /// `instant` must leave as the notifications made it.
    func changedByNotifications(since instant: ContinuousClock.Instant) -> Set<String> {
        memory.withLock { Set($0.notified.filter { $0.value >= instant }.keys) }
    }

    // MARK: Writes in flight

    func beginWrite(_ portID: String, _ value: DataPlaneStatus?) {
        memory.withLock { $0.inFlight[portID] = .some(value) }
    }

    func endWrite(_ portID: String, error: String? = nil) {
        memory.withLock {
            $0.inFlight[portID] = nil
            $0.failedWrites[portID] = error
        }
    }

    // MARK: Visibility

    func syncFinished(error: String?) {
        memory.withLock {
            if error == nil { $0.lastSync = Date() }
            $0.lastSyncError = error
            $0.neutronReachable = error == nil
        }
    }

    func neutronAnswered(_ reachable: Bool) {
        memory.withLock { $0.neutronReachable = reachable }
    }

    func brokerConnected(_ connected: Bool) {
        memory.withLock { $0.brokerConnected = connected }
    }

    func notificationLag(_ seconds: Double) {
        memory.withLock { $0.lastNotificationLag = seconds }
    }

    /// Ports whose Neutron value differs from the verdict, with both values.
    public func backlog() -> [BacklogEntry] {
        let (records, inFlight, failed) = memory.withLock { ($0.records, $0.inFlight, $0.failedWrites) }
        return repository.read { state in
            var entries: [BacklogEntry] = []
            for (id, record) in records {
                guard let port = state.ports[id], record.lags(port.dataPlaneStatus) else { continue }
                entries.append(
                    BacklogEntry(
                        portID: id, desired: record.target(for: port.dataPlaneStatus), neutron: record.value,
                        neutronRevision: record.revision, inFlight: inFlight[id] != nil, lastError: failed[id]))
            }
            return entries.sorted {
                ($0.desired == .down ? 0 : 1, $0.portID) < ($1.desired == .down ? 0 : 1, $1.portID)
            }
        }
    }

    /// What `/readyz` and the admin API show.
    public var status: BridgeStatus {
        memory.withLock {
            BridgeStatus(
                neutronReachable: $0.neutronReachable, brokerConnected: $0.brokerConnected, lastSync: $0.lastSync,
                lastSyncError: $0.lastSyncError, mirroredPorts: $0.records.count, writesInFlight: $0.inFlight.count,
                lastNotificationLag: $0.lastNotificationLag)
        }
    }
}

/// A port whose value in Neutron is not (yet) the verdict.
public struct BacklogEntry: Sendable, Hashable {
    public var portID: String
    public var desired: DataPlaneStatus?
    public var neutron: DataPlaneStatus?
    public var neutronRevision: Int
    public var inFlight: Bool
    public var lastError: String?
}

/// Bridge mode's health, for `/readyz` and the admin API.
public struct BridgeStatus: Sendable, Hashable {
    public var neutronReachable: Bool
    /// nil when no `--neutron-amqp` is configured.
    public var brokerConnected: Bool?
    public var lastSync: Date?
    public var lastSyncError: String?
    public var mirroredPorts: Int
    public var writesInFlight: Int
    public var lastNotificationLag: Double?

    /// Ready when Neutron answers and, if a broker is configured, it is connected.
    public var isReady: Bool { neutronReachable && brokerConnected != false && lastSync != nil }
}

/// Runs steps one after another (each waits for the one before it to finish).
final class SerialSteps: Sendable {
    private let tail = Mutex<Task<Void, Never>?>(nil)

    func run<T: Sendable>(_ step: @escaping @Sendable () async throws -> T) async throws -> T {
        let task: Task<T, any Error> = tail.withLock { tail in
            let previous = tail
            let task = Task {
                await previous?.value
                return try await step()
            }
            tail = Task { _ = try? await task.value }
            return task
        }
        return try await task.value
    }
}
