import Foundation
import Hummingbird
import KinexusPostgres
import KinexusServiceKit

/// `?after=` or `?before=` of a list ordered by time then id, 50 rows a page: keyset pagination, so a page deep in a
/// list of 100,000 costs what the first does. A bound that is not one is the first page. A page reads one row more
/// than it shows: whether there is a page beyond, without counting them all.
struct Pagination {
    static let pageSize = 50
    let bound: PageBound?

    /// `isValidID` refuses ids of the wrong form (a uuid list's), so a tampered link is the first page, not an error.
    init(_ request: Request, isValidID: (String) -> Bool = { _ in true }) {
        let query = request.uri.queryParameters
        if let text = query.get("after") {
            bound = PageBound(.after, text: text, isValidID: isValidID)
        } else if let text = query.get("before") {
            bound = PageBound(.before, text: text, isValidID: isValidID)
        } else {
            bound = nil
        }
    }

    static func uuids(_ id: String) -> Bool { UUID(uuidString: id) != nil }

    /// The time of a row in a list ordered by a unique text alone (users by name, knowledge objects by key): only
    /// the bound's id counts there.
    static let untimed = Date(timeIntervalSince1970: 0)

    /// What to read: one more than a page shows.
    var limit: Int { Self.pageSize + 1 }

    /// The rows a page shows of those read (in the list's order), and the links to the pages beside it, each bound
    /// by `key` of the row at its edge.
    func page<Row>(_ read: [Row], path: String, key: (Row) -> (time: Date, id: String)) -> (rows: [Row], links: PageLinks) {
        let more = read.count > Self.pageSize
        let rows: [Row], previous: Bool, next: Bool
        if bound?.side == .before {
            // Read backwards from the bound: the row beyond the page is the first.
            (rows, previous, next) = (Array(read.suffix(Self.pageSize)), more, true)
        } else {
            (rows, previous, next) = (Array(read.prefix(Self.pageSize)), bound != nil, more)
        }
        let separator = path.contains("?") ? "&" : "?"
        func link(_ side: PageBound.Side, _ row: Row?) -> String? {
            guard let row else { return nil }
            let (time, id) = key(row)
            return "\(path)\(separator)\(side.rawValue)=\(queryValue(PageBound(side, time: time, id: id).text))"
        }
        return (rows, PageLinks(previous: previous ? link(.before, rows.first) : nil, next: next ? link(.after, rows.last) : nil))
    }
}

/// `?page=N` of the knowledge gaps, ranked by ticket count then last seen: numbered pages read with OFFSET, 50 rows a
/// page; a page number that is not one is the first page. Gaps are few (a ticket joins one when it matches), and
/// their rank moves as tickets arrive.
struct NumberedPagination {
    let page: Int

    init(_ request: Request) {
        let asked = request.uri.queryParameters.get("page").flatMap { Int($0) } ?? 1
        page = min(max(asked, 1), 100_000)
    }

    var offset: Int { (page - 1) * Pagination.pageSize }
    var limit: Int { Pagination.pageSize + 1 }

    func page<Row>(_ read: [Row], path: String) -> (rows: [Row], links: PageLinks) {
        let separator = path.contains("?") ? "&" : "?"
        return (Array(read.prefix(Pagination.pageSize)), PageLinks(
            previous: page > 1 ? "\(path)\(separator)page=\(page - 1)" : nil,
            next: read.count > Pagination.pageSize ? "\(path)\(separator)page=\(page + 1)" : nil))
    }
}

struct PageLinks {
    let previous: String?
    let next: String?
}

/// A value from outside (a ticket's id, a user's name, a group) as one segment of a console path.
func pathSegment(_ value: String) -> String {
    value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#%"))) ?? ""
}

/// A value as one query parameter's: all but RFC 3986's unreserved characters escaped, so nothing in it ends
/// the parameter or the URL.
func queryValue(_ value: String) -> String {
    value.addingPercentEncoding(withAllowedCharacters: unreservedCharacters) ?? ""
}

private let unreservedCharacters = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

extension KinexusRequestContext {
    /// A path parameter as it was before `pathSegment` escaped it.
    func pathParameter(_ name: String) -> String {
        let raw = parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }
}
