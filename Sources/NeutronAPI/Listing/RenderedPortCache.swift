import PortwatchCore
import Synchronization

/// Ports' JSON objects as last rendered, by port id: a port read again unchanged (an equal value
/// seen through an equal view) is copied instead of rendered again.
///
/// Rendering is a pure function of the port and the view, so a hit is exact whatever changed the
/// port and however (a request, fault correlation, a reload from the store): the entry keeps the
/// port value it rendered and is used only when that value equals the one being read. Comparing an
/// unchanged port is cheap, its strings, arrays and dictionaries sharing storage with the cached copy.
/// Bounded: past `capacity` entries, the oldest makes room for each new one (in constant time).
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

    /// The entries, and their ids in the order they were added (the oldest is evicted first).
    private struct Entries {
        var byID: [String: Entry] = [:]
        var order: [String] = []
        var oldest = 0
    }

    private let entries = Mutex(Entries())
    let capacity: Int

    /// A cache of at most `capacity` rendered ports (10,000 ≈ 9 MB of JSON).
    init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// How many ports are cached.
    var count: Int { entries.withLock { $0.byID.count } }

    /// The port's JSON object as `view` shows it.
    func bytes(of port: Port, view: ResourceView) -> [UInt8] {
        if let entry = entries.withLock({ $0.byID[port.id] }), entry.view == view, entry.port == port {
            return entry.bytes
        }
        var writer = JSONWriter(capacity: 1024)
        port.render(into: &writer, view: view)
        let bytes = writer.bytes
        entries.withLock { entries in
            let entry = Entry(port: port, view: view, bytes: bytes)
            guard entries.byID.updateValue(entry, forKey: port.id) == nil else { return }
            if entries.order.count < capacity {
                entries.order.append(port.id)
            } else {
                // A ring: the slot of the oldest id takes the new one.
                entries.byID[entries.order[entries.oldest]] = nil
                entries.order[entries.oldest] = port.id
                entries.oldest = (entries.oldest + 1) % capacity
            }
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
        var writer = JSONWriter(capacity: object.count + 16)
        writer.beginObject()
        writer.key(Port.singular)
        writer.raw(object)
        writer.endObject()
        return writer.bytes
    }
}
