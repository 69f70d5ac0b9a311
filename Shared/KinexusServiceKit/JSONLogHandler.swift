import Foundation
import Logging

/// Writes one JSON object per line to standard error: time, level, logger, message and metadata.
/// Metadata whose key names a secret is masked, so a token passed along by mistake never reaches the log.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let service: String

    static let secretMarkers = ["password", "secret", "token", "authorization", "api_key", "apikey", "headers"]
    /// swift-otel logs each OTEL_* variable it reads beside its values; OTEL_EXPORTER_OTLP_HEADERS holds collector keys.
    static let settingValueKeys: Set = ["environment_value", "previous_value", "new_value"]

    static func isSecret(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return secretMarkers.contains(where: lowered.contains)
    }

    public init(label: String, service: String, level: Logger.Level) {
        self.label = label
        self.service = service
        logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [:]
        let merged = metadata.merging(metadataProvider?.get() ?? [:]) { $1 }.merging(event.metadata ?? [:]) { $1 }
        let secretSetting = merged["environment_key"].map { Self.isSecret("\($0)") } ?? false
        for (key, value) in merged {
            let masked = Self.isSecret(key) || (secretSetting && Self.settingValueKeys.contains(key))
            fields[key] = masked ? "***" : "\(value)"
        }
        fields["time"] = Date().formatted(Self.timeFormat)
        fields["level"] = event.level.rawValue
        fields["logger"] = label
        fields["service"] = service
        fields["message"] = event.message.description
        var line = (try? Self.encoder.encode(fields)) ?? Data(#"{"message":"unencodable log line"}"#.utf8)
        line.append(0x0A)
        FileHandle.standardError.write(line)
    }

    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
