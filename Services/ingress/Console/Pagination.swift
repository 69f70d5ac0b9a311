import Foundation
import Hummingbird
import KinexusServiceKit

/// `?page=N` of a list, 50 rows a page; a page number that is not one is the first page. A page reads one
/// row more than it shows: whether there is a next page, without counting them all.
struct Pagination {
    static let pageSize = 50
    let page: Int

    init(_ request: Request) {
        let asked = request.uri.queryParameters.get("page").flatMap { Int($0) } ?? 1
        page = min(max(asked, 1), 100_000)
    }

    var offset: Int { (page - 1) * Self.pageSize }
    /// What to read: one more than a page shows.
    var limit: Int { Self.pageSize + 1 }

    /// The rows a page shows of those read, and the links to the pages beside it.
    func page<Row>(_ read: [Row], path: String) -> (rows: [Row], links: PageLinks) {
        let separator = path.contains("?") ? "&" : "?"
        return (Array(read.prefix(Self.pageSize)), PageLinks(
            page: page, previous: page > 1 ? "\(path)\(separator)page=\(page - 1)" : nil,
            next: read.count > Self.pageSize ? "\(path)\(separator)page=\(page + 1)" : nil))
    }
}

struct PageLinks {
    let page: Int
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
