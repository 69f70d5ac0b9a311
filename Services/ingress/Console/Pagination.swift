import Foundation
import Hummingbird
import KinexusServiceKit

/// `?page=N` of a list, 50 rows a page; a page number that is not one is the first page.
struct Pagination {
    static let pageSize = 50
    let page: Int

    init(_ request: Request) {
        let asked = request.uri.queryParameters.get("page").flatMap { Int($0) } ?? 1
        page = min(max(asked, 1), 1_000_000)
    }

    var offset: Int { (page - 1) * Self.pageSize }
    var limit: Int { Self.pageSize }

    /// The links under a list of `total` rows at `path`.
    func links(total: Int, path: String) -> PageLinks {
        let pages = max(1, (total + Self.pageSize - 1) / Self.pageSize)
        return PageLinks(
            page: page, pages: pages, total: total,
            previous: page > 1 ? "\(path)?page=\(min(page - 1, pages))" : nil,
            next: page < pages ? "\(path)?page=\(page + 1)" : nil)
    }
}

struct PageLinks {
    let page: Int
    let pages: Int
    let total: Int
    let previous: String?
    let next: String?
}

/// A value from outside (a ticket's id, a user's name, a group) as one segment of a console path.
func pathSegment(_ value: String) -> String {
    value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#%"))) ?? ""
}

extension KinexusRequestContext {
    /// A path parameter as it was before `pathSegment` escaped it.
    func pathParameter(_ name: String) -> String {
        let raw = parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }
}
