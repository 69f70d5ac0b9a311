import Foundation

/// `Export orders as CSV` → `export-orders-as-csv`: lower-case ASCII letters and digits joined by dashes.
public func slug(_ title: String) -> String {
    let folded = title.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX"))
    var words: [String] = [], current = ""
    for scalar in folded.lowercased().unicodeScalars {
        if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
            current.unicodeScalars.append(scalar)
        } else if !current.isEmpty {
            words.append(current)
            current = ""
        }
    }
    if !current.isEmpty { words.append(current) }
    let joined = words.joined(separator: "-")
    return joined.isEmpty ? "page" : String(joined.prefix(80))
}
