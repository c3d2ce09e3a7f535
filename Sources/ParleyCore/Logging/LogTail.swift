import Foundation
import Logging

/// The newest lines of the JSON log file (`logging.path`), filtered by level and text, for the
/// admin panel's log view. It reads at most `maxBytes` from the end of the file, so a large log
/// costs no more than a small one, and it runs on a dispatch queue, never on an event loop.
/// Lines are shown as written: the log handler has already redacted them.
public struct LogTail: Sendable {
    public struct Filter: Sendable, Equatable {
        /// Lines at this level or more severe.
        public var level: Logger.Level
        /// Lines containing this text (case-insensitive), anywhere in the JSON line.
        public var text: String?
        public var limit: Int

        public init(level: Logger.Level = .trace, text: String? = nil, limit: Int = 200) {
            self.level = level
            self.text = text
            self.limit = limit
        }
    }

    public static let largestLimit = 1000
    public let path: String
    public let maxBytes: Int

    public init(path: String, maxBytes: Int = 4 << 20) {
        self.path = path
        self.maxBytes = maxBytes
    }

    /// Matching lines, newest first, at most `filter.limit`; empty when there is no log file yet.
    public func lines(_ filter: Filter) async throws -> [JSONValue] {
        let path = path, maxBytes = maxBytes
        return try await DispatchQueue.global(qos: .utility).perform {
            guard let data = try Self.tail(of: path, maxBytes: maxBytes) else { return [] }
            return Self.matching(data, filter)
        }
    }

    static func tail(of path: String, maxBytes: Int) throws -> Data? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        let start = size > UInt64(maxBytes) ? size - UInt64(maxBytes) : 0
        try handle.seek(toOffset: start)
        var data = try handle.readToEnd() ?? Data()
        // Reading from the middle of the file: drop the partial first line.
        if start > 0, let newline = data.firstIndex(of: UInt8(ascii: "\n")) { data = data[(newline + 1)...] }
        return data
    }

    static func matching(_ data: Data, _ filter: Filter) -> [JSONValue] {
        let needle = filter.text.map { $0.lowercased() }.flatMap { $0.isEmpty ? nil : $0 }
        var found: [JSONValue] = []
        for line in data.split(separator: UInt8(ascii: "\n")).reversed() {
            guard found.count < filter.limit else { break }
            let text = String(decoding: line, as: UTF8.self)
            if let needle, !text.lowercased().contains(needle) { continue }
            guard let object = try? JSONDecoder().decode(JSONValue.self, from: Data(line)),
                  let level = object["level"]?.stringValue.flatMap({ Logger.Level(rawValue: $0.lowercased()) }),
                  level >= filter.level else { continue }
            found.append(object)
        }
        return found
    }
}
