import Foundation
import Logging

/// A swift-log handler that writes one JSON object per line to stdout and/or a rotating file.
///
/// Every line has `timestamp`, `level`, `message` and the well-known context fields when known
/// (`request_id`, `tenant`, `session`, `event`, `latency_ms`); other metadata follows. The message
/// and every string value pass through the `Redactor`, so e-mail addresses, phone numbers and keys
/// never reach a log. Prompts are logged by callers at `.debug` only.
public struct JSONLLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let sink: Sink

    /// Where lines go. Shared by every logger the bootstrap creates.
    public struct Sink: Sendable {
        public var stdout: Bool
        public var file: RotatingFileWriter?
        public var redactor: Redactor

        public init(stdout: Bool, file: RotatingFileWriter?, redactor: Redactor) {
            self.stdout = stdout
            self.file = file
            self.redactor = redactor
        }
    }

    public init(label: String, level: Logger.Level, sink: Sink) {
        self.label = label
        self.logLevel = level
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line = Self.render(level: event.level, message: "\(event.message)", label: label,
                               metadata: merged, redactor: sink.redactor)
        if sink.stdout { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        sink.file?.write(line: line, urgent: event.level >= .warning)
    }

    /// Longest message and metadata string kept in a line: a log line's cost (and its redaction's)
    /// stays bounded whatever a caller sends; prompts logged at DEBUG fit the message bound.
    public static let maxMessageBytes = 32_768
    public static let maxFieldBytes = 4_096

    static func bounded(_ text: String, to limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var cut = text.utf8.prefix(limit)
        // Do not cut a character in half.
        while let last = cut.last, last & 0xC0 == 0x80 { cut = cut.dropLast() }
        if let last = cut.last, last >= 0xC0 { cut = cut.dropLast() }
        return String(decoding: cut, as: UTF8.self) + "…(\(text.utf8.count) bytes)"
    }

    /// The JSON line for one event (also used by tests to check redaction and field names).
    ///
    /// Written field by field in key order (UTF-8 byte order, as `JSONText` orders an object),
    /// without building a dictionary for the line: every request writes one, and the dictionary,
    /// its sort and Foundation's date formatting were half of the line's cost. A metadata field
    /// named like a fixed one (`message`, `timestamp`, …) replaces it, as before.
    public static func render(level: Logger.Level, message: String, label: String,
                              metadata: Logger.Metadata, redactor: Redactor, now: Date = Date()) -> String {
        var fields: [(key: String, value: JSONValue)] = []
        fields.reserveCapacity(metadata.count + 4)
        for (key, value) in metadata {
            var entry = json(value)
            if case .string(let text) = entry { entry = .string(bounded(text, to: maxFieldBytes)) }
            entry = redactor.redact(entry)
            if key == "latency_ms", case .string(let latency) = entry, let number = Double(latency) { entry = .number(number) }
            fields.append((key, entry))
        }
        func fixed(_ key: String, _ value: @autoclosure () -> JSONValue) {
            if metadata[key] == nil { fields.append((key, value())) }
        }
        fixed("timestamp", .string(UTCTimestamp.milliseconds(now)))
        fixed("level", .string(level.rawValue.uppercased()))
        fixed("message", .string(redactor.redact(bounded(message, to: maxMessageBytes))))
        fixed("logger", .string(label))
        fields.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        var line = "{"
        for (index, field) in fields.enumerated() {
            if index > 0 { line += "," }
            JSONText.writeString(field.key, to: &line)
            line += ":"
            JSONText.write(field.value, to: &line)
        }
        line += "}"
        return line
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let string): return .string(string)
        case .stringConvertible(let convertible):
            if let number = convertible as? any BinaryInteger { return .number(Double(Int64(number))) }
            if let number = convertible as? Double { return .number(number) }
            return .string(convertible.description)
        case .array(let array): return .array(array.map(json))
        case .dictionary(let dictionary): return .object(dictionary.mapValues(json))
        }
    }
}

extension Logger.Level {
    /// Parses seed 000's level names (DEBUG|INFO|WARN|ERROR) and swift-log's own.
    public init(configName: String) throws {
        switch configName.lowercased() {
        case "trace": self = .trace
        case "debug": self = .debug
        case "info": self = .info
        case "notice": self = .notice
        case "warn", "warning": self = .warning
        case "error": self = .error
        case "critical": self = .critical
        default: throw ConfigError("logging.level: expected DEBUG, INFO, WARN or ERROR, got '\(configName)'")
        }
    }
}
