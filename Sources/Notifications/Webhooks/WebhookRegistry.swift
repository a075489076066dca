import Foundation
import PortwatchCore
import PortwatchStore
import Synchronization

/// The webhook subscriptions: kept in memory, stored as repository documents, and watched by
/// ``WebhookDelivery`` so that a new subscription starts receiving at once.
public final class WebhookRegistry: Sendable {
    /// A change to the set of subscriptions.
    public enum Change: Sendable {
        case created(WebhookSubscription)
        case deleted(String)
    }

    static let documentKind = "portwatch.webhook"
    static let deadLetterKind = "portwatch.webhook.dead-letter"

    private struct State {
        var subscriptions: [String: WebhookSubscription]
        var observer: (@Sendable (Change) -> Void)?
        /// Creations under way per owner project (counted against the cap before they commit).
        var reserved: [String: Int] = [:]
    }

    let repository: Repository
    private let state: Mutex<State>

    private init(repository: Repository, subscriptions: [WebhookSubscription]) {
        self.repository = repository
        state = Mutex(State(subscriptions: Dictionary(uniqueKeysWithValues: subscriptions.map { ($0.id, $0) })))
    }

    /// Loads the stored subscriptions (reads only; the writer need not run yet).
    public static func load(repository: Repository) async throws -> WebhookRegistry {
        let documents = try await repository.backend.documents(ofKind: documentKind)
        return WebhookRegistry(
            repository: repository, subscriptions: documents.compactMap { WebhookSubscription(document: $0.body) })
    }

    /// The kind of the documents that store subscriptions: a replica that follows another's writes
    /// calls ``reload()`` when a commit touched one.
    public static var subscriptionDocumentKind: String { documentKind }

    /// Reads the subscriptions again from the store (a follower replica's memory follows the store;
    /// the writer's own changes go through ``create(_:maxPerProject:)`` and ``delete(_:)``).
    public func reload() async throws {
        let documents = try await repository.backend.documents(ofKind: Self.documentKind)
        let subscriptions = documents.compactMap { WebhookSubscription(document: $0.body) }
        state.withLock { $0.subscriptions = Dictionary(uniqueKeysWithValues: subscriptions.map { ($0.id, $0) }) }
    }

    /// Every subscription, oldest first.
    public var all: [WebhookSubscription] {
        state.withLock { Array($0.subscriptions.values) }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// The subscription with `id`, if any.
    public func subscription(_ id: String) -> WebhookSubscription? {
        state.withLock { $0.subscriptions[id] }
    }

    /// Stores a new subscription; it receives the records committed after ``Repository/lastOutboxSequence``.
    ///
    /// - Parameter maxPerProject: the most subscriptions one owner project may have (nil: no cap);
    ///   past it the creation is refused with Neutron's `OverQuota` (409).
    public func create(_ subscription: WebhookSubscription, maxPerProject: Int? = nil) async throws {
        let owner = subscription.ownerProjectID ?? ""
        if let maxPerProject {
            let admitted = state.withLock { state in
                let existing = state.subscriptions.values.count { ($0.ownerProjectID ?? "") == owner }
                guard existing + state.reserved[owner, default: 0] < maxPerProject else { return false }
                state.reserved[owner, default: 0] += 1
                return true
            }
            guard admitted else {
                throw NeutronError(
                    status: 409, type: "OverQuota",
                    message: "Quota exceeded for resources: ['webhook']: at most \(maxPerProject) per project.")
            }
        }
        defer {
            if maxPerProject != nil { state.withLock { $0.reserved[owner, default: 1] -= 1 } }
        }
        let body = subscription.document
        try await repository.write { changeSet in
            changeSet.putDocument(kind: Self.documentKind, id: subscription.id, body: body)
        }
        state.withLock { state in
            state.subscriptions[subscription.id] = subscription
            state.observer?(.created(subscription))
        }
    }

    /// Deletes a subscription and its dead letters; returns false when there was none.
    @discardableResult
    public func delete(_ id: String) async throws -> Bool {
        guard subscription(id) != nil else { return false }
        let deadLetters = try await deadLetterDocumentIDs(of: id)
        try await repository.write { changeSet in
            changeSet.putDocument(kind: Self.documentKind, id: id, body: nil)
            for documentID in deadLetters {
                changeSet.putDocument(kind: Self.deadLetterKind, id: documentID, body: nil)
            }
        }
        state.withLock { state in
            state.subscriptions[id] = nil
            state.observer?(.deleted(id))
        }
        return true
    }

    /// The dead letters of subscription `id`, oldest first.
    public func deadLetters(of id: String) async throws -> [WebhookDeadLetter] {
        let prefix = id + "/"
        return try await repository.backend.documents(ofKind: Self.deadLetterKind)
            .filter { $0.id.hasPrefix(prefix) }
            .sorted { $0.id < $1.id }
            .compactMap { WebhookDeadLetter(document: $0.body) }
    }

    /// The document ids of dead letters that failed before `date`.
    func deadLetterIDs(failedBefore date: Date) async throws -> [String] {
        try await repository.backend.documents(ofKind: Self.deadLetterKind).compactMap { document in
            guard let deadLetter = WebhookDeadLetter(document: document.body), deadLetter.failedAt < date else {
                return nil
            }
            return document.id
        }
    }

    /// Stores a dead letter.
    func record(_ deadLetter: WebhookDeadLetter) async throws {
        let body = deadLetter.document
        let id = deadLetter.documentID
        try await repository.write { changeSet in
            changeSet.putDocument(kind: Self.deadLetterKind, id: id, body: body)
        }
    }

    /// Sets the one observer of changes and returns the subscriptions as of that moment, atomically,
    /// so that no change falls between the two.
    func observe(_ observer: @escaping @Sendable (Change) -> Void) -> [WebhookSubscription] {
        state.withLock { state in
            state.observer = observer
            return Array(state.subscriptions.values)
        }
    }

    private func deadLetterDocumentIDs(of id: String) async throws -> [String] {
        try await repository.backend.documents(ofKind: Self.deadLetterKind).map(\.id).filter { $0.hasPrefix(id + "/") }
    }
}
