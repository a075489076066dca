import Foundation
import PortwatchCore

/// A parsed list request: filters, `fields`, sorting and pagination, validated as Neutron does
/// (filter-validation, sorting and pagination extensions).
struct ListQuery<Resource: Sendable> {
    let spec: ResourceSpec<Resource>
    var filters: [(attribute: String, values: [String])] = []
    var special: [(attribute: String, values: [String])] = []
    var tagFilters: [(kind: String, tags: [String])] = []
    var changedSince: Date?
    var fields: Set<String>?
    var sorts: [(key: String, ascending: Bool)] = []
    var limit: Int?
    var marker: String?
    var pageReverse = false

    static var reserved: Set<String> { ["fields", "sort_key", "sort_dir", "limit", "marker", "page_reverse"] }
    static var tagKinds: Set<String> { ["tags", "tags-any", "not-tags", "not-tags-any"] }

    init(_ query: QueryParameters, spec: ResourceSpec<Resource>) throws(NeutronError) {
        self.spec = spec
        for (key, value) in query.pairs {
            try spec.conversions[key]?.check(value)
        }
        var invalid: [String] = []
        for key in query.keys where !Self.reserved.contains(key) {
            let values = query.values(key)
            if Self.tagKinds.contains(key) {
                tagFilters.append((key, values.flatMap { $0.split(separator: ",").map(String.init) }))
            } else if key == "changed_since" {
                guard let value = values.last, let date = NeutronTimestamp.parse(value) else {
                    throw .invalidInput("'\(values.last ?? "")' is not a valid date-time value for changed_since")
                }
                changedSince = date
            } else if spec.specialFilters[key] != nil {
                special.append((key, values))
            } else if spec.filterable[key] != nil {
                filters.append((key, values))
            } else {
                invalid.append(key)
            }
        }
        if !invalid.isEmpty {
            throw .badRequest("\(pythonList(invalid)) is invalid attribute for filtering")
        }
        fields = query.fields
        let keys = query.values("sort_key")
        let directions = query.values("sort_dir")
        if keys.count != directions.count {
            throw .badRequest("The number of sort_keys and sort_dirs must be same")
        }
        let badKeys = keys.filter { spec.sortable[$0] == nil }
        if !badKeys.isEmpty { throw .badRequest("\(pythonList(badKeys)) is invalid attribute for sort_keys") }
        let badDirections = directions.filter { $0 != "asc" && $0 != "desc" }
        if !badDirections.isEmpty {
            throw .badRequest(
                "\(pythonList(badDirections)) is invalid value for sort_dirs, valid value is 'asc' and 'desc'")
        }
        sorts = keys.enumerated().map { ($0.element, directions[$0.offset] == "asc") }
        // A repeated key counts once, with its last value (webob's `params.get`).
        if let value = query.values("limit").last {
            // Python's int() ignores surrounding whitespace.
            guard let number = Int(value.trimmingCharacters(in: .whitespacesAndNewlines)), number >= 0 else {
                throw .badRequest(resource: "limit", "Limit must be an integer 0 or greater and not '\(value)'")
            }
            limit = number == 0 ? nil : number
        }
        // Neutron pages only with a limit: without one a marker is ignored (unknown or not), while
        // `page_reverse` still reverses the whole list. Only "true", in any case, reverses.
        if limit != nil, let value = query.values("marker").last, !value.isEmpty { marker = value }
        pageReverse = query.values("page_reverse").last?.lowercased() == "true"
    }

    /// Whether `resource` passes every filter.
    func matches(_ resource: Resource) throws(NeutronError) -> Bool {
        for (attribute, values) in filters {
            let value = spec.filterable[attribute]!(resource)
            var any = false
            for wanted in values where value.matches(wanted) {
                any = true
                break
            }
            if !any { return false }
        }
        for (attribute, values) in special where !spec.specialFilters[attribute]!(resource, values) {
            return false
        }
        if !tagFilters.isEmpty {
            let tags = Set(spec.tags(resource))
            for (kind, wanted) in tagFilters {
                let all = wanted.allSatisfy(tags.contains)
                let any = wanted.contains(where: tags.contains)
                switch kind {
                case "tags": if !all { return false }
                case "tags-any": if !any { return false }
                case "not-tags": if all { return false }
                default: if any { return false }
                }
            }
        }
        if let changedSince, spec.updatedAt(resource) < changedSince { return false }
        return true
    }

    /// Sorts (with `id` as the final tie-breaker, as native pagination does) and pages `items`.
    ///
    /// Returns the page and whether the marker was found (an unknown marker is the resource's NotFound).
    func page(_ items: [Resource]) -> (items: [Resource], markerFound: Bool) {
        // Sort positions, not resources: moving a port struct retains and releases every field.
        var order = Array(items.indices)
        if sorts.isEmpty || (sorts.count == 1 && sorts[0].key == "id") {
            let ascending = sorts.first?.ascending ?? true
            let ids = items.map(spec.id)
            order.sort { ascending ? ids[$0] < ids[$1] : ids[$0] > ids[$1] }
        } else {
            let keys = sorts + (sorts.contains { $0.key == "id" } ? [] : [("id", sorts[0].ascending)])
            let getters = keys.map { spec.sortable[$0.key]! }
            let directions = keys.map(\.ascending)
            let values = items.map { item in getters.map { $0(item) } }
            order.sort { a, b in
                for index in directions.indices where values[a][index] != values[b][index] {
                    return directions[index] ? values[a][index] < values[b][index] : values[b][index] < values[a][index]
                }
                return false
            }
        }
        if let marker {
            guard let position = order.firstIndex(where: { spec.id(items[$0]) == marker }) else { return ([], false) }
            order = pageReverse ? Array(order[..<position]) : Array(order[(position + 1)...])
        }
        if let limit {
            order = pageReverse ? Array(order.suffix(limit)) : Array(order.prefix(limit))
        } else if pageReverse {
            order.reverse()
        }
        return (order.map { items[$0] }, true)
    }
    /// Whether the order is the default one (by id), which ``pageInIDOrder`` serves without sorting.
    var sortsByIDOnly: Bool { sorts.isEmpty || (sorts.count == 1 && sorts[0].key == "id") }

    /// Pages resources kept in id order: walks from the marker and stops at `limit`, so a page costs
    /// O(limit) instead of sorting the collection.
    func pageInIDOrder(
        _ sortedIDs: [String], resource: (String) -> Resource?, include: (Resource) throws(NeutronError) -> Bool
    ) throws(NeutronError) -> (items: [Resource], markerFound: Bool) {
        let count = sortedIDs.count
        let step = sorts.first?.ascending == false ? -1 : 1
        var index: Int
        var direction = pageReverse ? -step : step
        if let marker {
            var low = 0
            var high = count
            while low < high {
                let middle = (low + high) / 2
                if sortedIDs[middle] < marker { low = middle + 1 } else { high = middle }
            }
            guard low < count, sortedIDs[low] == marker, resource(marker) != nil else { return ([], false) }
            index = low + direction
        } else {
            direction = pageReverse ? -step : step
            index = direction > 0 ? 0 : count - 1
        }
        var items: [Resource] = []
        items.reserveCapacity(min(limit ?? count, count))
        while index >= 0, index < count {
            if let limit, items.count >= limit { break }
            if let item = resource(sortedIDs[index]), try include(item) { items.append(item) }
            index += direction
        }
        // A reversed page keeps the sort order; a reversed list without a limit does not.
        if pageReverse, limit != nil { items.reverse() }
        return (items, true)
    }

    /// Neutron's `<collection>_links` for a page, or nil without `limit`.
    func links(page: [Resource], query: QueryParameters, baseURL: String) -> [(rel: String, href: String)]? {
        guard let limit else { return nil }
        // The request's own parameters in its order (limit included), then marker and page_reverse.
        let base = query.pairs.filter { $0.key != "marker" && $0.key != "page_reverse" }.map { ($0.key, $0.value) }
        var links: [(String, String)] = []
        if !(page.count < limit && !pageReverse) {
            var pairs = base
            if let last = page.last { pairs.append(("marker", spec.id(last))) }
            links.append(("next", baseURL + "?" + QueryParameters.encode(pairs.map { (key: $0.0, value: $0.1) })))
        }
        if !(page.count < limit && pageReverse) {
            var pairs = base
            if let first = page.first { pairs.append(("marker", spec.id(first))) }
            pairs.append(("page_reverse", "True"))
            links.append(("previous", baseURL + "?" + QueryParameters.encode(pairs.map { (key: $0.0, value: $0.1) })))
        }
        return links
    }
}

/// Python's `repr` of a list of strings, as Neutron's messages print them: `['a', 'b']`.
func pythonList(_ items: [String]) -> String {
    "[" + items.map { "'\($0)'" }.joined(separator: ", ") + "]"
}
