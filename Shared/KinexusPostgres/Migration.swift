import Foundation

/// One ordered SQL file of a module's tables, named `NNN_description.sql`. Versions count per owner — the
/// module that writes the tables — so two owners in one service number their migrations each from 1.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String
    public let owner: String

    public init(version: Int, name: String, sql: String, owner: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.owner = owner
    }

    public struct InvalidFile: Error, CustomStringConvertible {
        public let file: String
        public let reason: String
        public var description: String { "migration \(file): \(reason)" }
    }

    /// A module's migrations shipped as its `Migrations` resource folder: pass
    /// `Bundle.module.url(forResource: "Migrations", withExtension: nil)`.
    public static func loadBundled(_ directory: URL?, owner: String) throws -> [Migration] {
        guard let directory else {
            throw InvalidFile(file: "Migrations", reason: "the \(owner) resource folder is missing beside the executable")
        }
        return try load(from: directory, owner: owner)
    }

    /// Every `.sql` file of a directory, in version order; a file not named `NNN_description.sql`, or two
    /// files with one version, is an error rather than a silently skipped change.
    public static func load(from directory: URL, owner: String) throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }
        var migrations: [Migration] = []
        for file in files {
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else {
                throw InvalidFile(file: file, reason: "name it NNN_description.sql, with NNN a positive version")
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql, owner: owner))
        }
        migrations.sort { $0.version < $1.version }
        for (earlier, later) in zip(migrations, migrations.dropFirst()) where earlier.version == later.version {
            throw InvalidFile(file: "\(later.version)_\(later.name).sql", reason: "version \(later.version) is used twice")
        }
        return migrations
    }
}
