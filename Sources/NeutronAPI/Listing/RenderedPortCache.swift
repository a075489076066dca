import PortwatchCore
import Synchronization

/// Ports' JSON objects as last rendered, by port id: a port read again unchanged (an equal value
/// seen through an equal view) is copied instead of rendered again.
///
/// Rendering is a pure function of the port and the view, so a hit is exact whatever changed the
/// port and however (a request, fault correlation, a reload from the store): the entry keeps the
/// port value it rendered and is used only when that value equals the one being read. Comparing an
/// unchanged port is cheap, its strings, arrays and dictionaries sharing storage with the cached copy.
/// Bounded: past `capacity` entries, an arbitrary entry makes room for each new one.
final class RenderedPortCache: Sendable {
    /// A class, so that a lookup retains one reference instead of copying a port.
    private final class Entry: Sendable {
        let port: Port
        let view: ResourceView
        let bytes: [UInt8]

        init(port: Port, view: ResourceView, bytes: [UInt8]) {
            self.port = port
            self.view = view
            self.bytes = bytes
        }
    }

    private let entries = Mutex<[String: Entry]>([:])
    let capacity: Int

    /// A cache of at most `capacity` rendered ports (10,000 ≈ 9 MB of JSON).
    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// The port's JSON object as `view` shows it.
    func bytes(of port: Port, view: ResourceView) -> [UInt8] {
        if let entry = entries.withLock({ $0[port.id] }), entry.view == view, entry.port == port {
            return entry.bytes
        }
        var writer = JSONWriter(capacity: 1024)
        port.render(into: &writer, view: view)
        let bytes = writer.bytes
        entries.withLock { entries in
            if entries.count >= capacity, entries[port.id] == nil, !entries.isEmpty {
                entries.remove(at: entries.startIndex)
            }
            entries[port.id] = Entry(port: port, view: view, bytes: bytes)
        }
        return bytes
    }

    /// Writes the port's JSON object as `view` shows it.
    func render(_ port: Port, view: ResourceView, into writer: inout JSONWriter) {
        writer.raw(bytes(of: port, view: view))
    }

    /// `{"port": {...}}`, as a show answers.
    func envelope(of port: Port, view: ResourceView) -> [UInt8] {
        let object = bytes(of: port, view: view)
        var envelope: [UInt8] = []
        envelope.reserveCapacity(object.count + 10)
        envelope.append(contentsOf: #"{"port":"#.utf8)
        envelope.append(contentsOf: object)
        envelope.append(UInt8(ascii: "}"))
        return envelope
    }
}
