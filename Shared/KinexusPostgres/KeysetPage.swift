import Foundation

/// Where a page of a list ordered by time, then id, begins: after the last row of the page before it, or before the
/// first row of the page after it. Keyset pagination: a page is found by its bound's index entry, so the thousandth
/// page costs what the first does, where `OFFSET` read and dropped every row before it.
public struct PageBound: Sendable, Equatable {
    public enum Side: String, Sendable {
        case after, before
    }

    public let side: Side
    /// The bound row's time in whole microseconds since 1970, as Postgres keeps a timestamptz: exact, where a
    /// `Date`'s double would round a tie apart.
    public let microseconds: Int64
    public let id: String

    public init(_ side: Side, time: Date, id: String) {
        self.side = side
        // Within ±290,000 years of 1970; a Date from Postgres always is.
        microseconds = Int64(exactly: (time.timeIntervalSince1970 * 1_000_000).rounded()) ?? 0
        self.id = id
    }

    /// The bound as a link carries it, `<microseconds>~<id>`; nil for anything else, or an id `isValidID` refuses.
    public init?(_ side: Side, text: String, isValidID: (String) -> Bool) {
        let parts = text.split(separator: "~", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count <= 19, let microseconds = Int64(parts[0]),
              abs(microseconds) < Self.microsecondsLimit, !parts[1].isEmpty, isValidID(String(parts[1]))
        else { return nil }
        self.side = side
        self.microseconds = microseconds
        id = String(parts[1])
    }

    public var text: String { "\(microseconds)~\(id)" }

    /// Years 1 to 9999 lie within ±253,402,300,800 s of 1970: a bound beyond is no row's.
    static let microsecondsLimit: Int64 = 253_402_300_800 * 1_000_000
}

/// How to read one page of a list ordered by (time, id), newest or oldest first: the comparison of a row's key with
/// the bound and the direction to read in, as SQL text, and the bound's time as a timestamptz literal. A list ordered
/// by a unique text alone (users by name, objects by key) compares its id only; the first page's id, "", sorts
/// before any.
public struct KeysetPage: Sendable {
    /// `>` or `<`: the rows past the bound in the reading direction.
    public let comparison: String
    /// `ASC` or `DESC`, for both key columns.
    public let order: String
    /// A timestamptz literal, exact to the microsecond; `-infinity` or `infinity` on the first page.
    public let time: String
    public let id: String
    /// A page before a bound is read backwards, nearest the bound first; `rows` turns it back.
    private let readBackwards: Bool

    /// A valid `firstID` for a list keyed by uuid.
    public static let anyUUID = "00000000-0000-0000-0000-000000000000"

    /// `firstID` is any valid id: on the first page the infinite time alone decides.
    public init(_ bound: PageBound?, newestFirst: Bool, firstID: String) {
        readBackwards = bound?.side == .before
        let ascending = newestFirst == readBackwards
        comparison = ascending ? ">" : "<"
        order = ascending ? "ASC" : "DESC"
        if let bound {
            time = Self.timestamp(microseconds: bound.microseconds)
            id = bound.id
        } else {
            time = newestFirst ? "infinity" : "-infinity"
            id = firstID
        }
    }

    /// The rows read, in the list's order.
    public func rows<Row>(_ read: [Row]) -> [Row] {
        readBackwards ? read.reversed() : read
    }

    /// `YYYY-MM-DD HH:MM:SS.ffffff+00`, from whole microseconds without passing through a double.
    static func timestamp(microseconds: Int64) -> String {
        let (seconds, fraction) = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
        let (wholeSeconds, micros) = fraction < 0 ? (seconds - 1, fraction + 1_000_000) : (seconds, fraction)
        var time = time_t(wholeSeconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(micros))
    }
}
