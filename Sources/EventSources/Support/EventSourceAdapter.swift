import Foundation
import PortwatchCore

/// Decodes one foreign fault format into Portwatch's native ``FaultEvent``s.
///
/// An adapter is pure: it reads the body and the topology and does no I/O. Items the body carries
/// that are not data-plane faults, or that name resources Portwatch cannot place, come back in
/// ``DecodedEvents/ignored`` with a reason; a body that is not the format at all throws
/// ``EventSourceError``.
///
/// ```swift
/// let decoded = try AlertmanagerAdapter().decode(body, topology: topology, now: Date())
/// let submission = try await correlation.submit(decoded.events)
/// ```
public protocol EventSourceAdapter: Sendable {
    /// The format's short name (`"doctor"`, `"alertmanager"`), used in messages.
    var formatName: String { get }

    /// Translates a parsed JSON body.
    ///
    /// - Parameters:
    ///   - body: the request body.
    ///   - topology: the topology in force, to map the format's names to resource ids.
    ///   - now: the time to use when the body carries none.
    /// - Throws: ``EventSourceError`` when the body is malformed.
    func decode(_ body: JSONValue, topology: Topology, now: Date) throws(EventSourceError) -> DecodedEvents
}

extension EventSourceAdapter {
    /// Parses UTF-8 JSON text and translates it.
    ///
    /// - Throws: ``EventSourceError`` with code `invalidJSON` when the bytes are not JSON, or any
    ///   error of ``decode(_:topology:now:)``.
    public func decode(
        bytes: some Collection<UInt8>, topology: Topology, now: Date
    ) throws(EventSourceError) -> DecodedEvents {
        let body: JSONValue
        do {
            body = try JSONValue.parse(bytes)
        } catch {
            throw EventSourceError(code: .invalidJSON, format: formatName, message: "the body is not JSON")
        }
        return try decode(body, topology: topology, now: now)
    }
}
