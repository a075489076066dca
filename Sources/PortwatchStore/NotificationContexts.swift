import Foundation
import PortwatchCore

/// Decodes the stored `context` of outbox records, each distinct one once: the records of one batch
/// share one context, and both stores read records a page at a time.
struct NotificationContexts {
    private let decoder = JSONDecoder()
    private var known: [Data: NotificationContext] = [:]

    mutating func decode(_ stored: Data) throws -> NotificationContext {
        if let context = known[stored] { return context }
        let context = try decoder.decode(NotificationContext.self, from: stored)
        known[stored] = context
        return context
    }
}
