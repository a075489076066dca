import PortwatchCore

extension Array where Element == JSONValue {
    /// The items of a body that is a list, `{"events": [...]}`, `{"event": {...}}` or one bare event.
    static func eventItems(
        of body: JSONValue, format: String, isBareEvent: (JSONValue) -> Bool
    ) throws(EventSourceError) -> [JSONValue] {
        switch body {
        case .array(let items):
            return items
        case .object(let object):
            if let list = object["events"] {
                guard let items = list.arrayValue else {
                    throw EventSourceError(
                        code: .unexpectedShape, format: format, message: "'events' must be a list, not \(list.kindName)"
                    )
                }
                return items
            }
            if let single = object["event"] { return [single] }
            guard isBareEvent(body) else {
                throw EventSourceError(
                    code: .unexpectedShape, format: format,
                    message: "expected an event, a list of events, {\"event\": ...} or {\"events\": [...]}")
            }
            return [body]
        default:
            throw EventSourceError(
                code: .unexpectedShape, format: format, message: "expected an object or a list, not \(body.kindName)")
        }
    }
}
