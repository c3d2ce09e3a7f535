import Foundation
import Synchronization

/// Appends lines to a log file, rotating it when it passes `maxBytes` and deleting rotated
/// files older than `retention`. Logging is synchronous by contract (swift-log), so the file
/// handle lives behind a mutex rather than an actor.
public final class RotatingFileWriter: Sendable {
    private struct State {
        var handle: FileHandle?
        var size: Int
    }

    private let path: String
    private let maxBytes: Int
    private let retention: TimeInterval
    private let state: Mutex<State>

    public init(path: String, maxBytes: Int, retention: TimeInterval) throws {
        self.path = path
        self.maxBytes = maxBytes
        self.retention = retention
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let handle = try Self.open(path)
        let size = Int((try? handle.seekToEnd()) ?? 0)
        state = Mutex(State(handle: handle, size: size))
        pruneOldFiles()
    }

    public func write(line: String) {
        let data = Data((line + "\n").utf8)
        let rotated = state.withLock { state -> Bool in
            var didRotate = false
            if state.size + data.count > maxBytes, state.size > 0 {
                try? state.handle?.close()
                let stamp = Date().formatted(Self.stampFormat)
                try? FileManager.default.moveItem(atPath: path, toPath: "\(path).\(stamp)")
                state.handle = try? Self.open(path)
                state.size = 0
                didRotate = true
            }
            state.handle?.write(data)
            state.size += data.count
            return didRotate
        }
        if rotated { pruneOldFiles() }
    }

    /// Rotated siblings of the log file (`app.jsonl.<timestamp>`), newest last.
    public func rotatedFiles() -> [String] {
        let directory = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        return names.filter { $0.hasPrefix(base + ".") }.sorted().map { (directory as NSString).appendingPathComponent($0) }
    }

    private func pruneOldFiles() {
        let cutoff = Date().addingTimeInterval(-retention)
        for file in rotatedFiles() {
            let modified = (try? FileManager.default.attributesOfItem(atPath: file)[.modificationDate]) as? Date
            if let modified, modified < cutoff { try? FileManager.default.removeItem(atPath: file) }
        }
    }

    private static func open(_ path: String) throws -> FileHandle {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw ConfigError("logging.path: cannot create \(path)")
            }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        _ = try handle.seekToEnd()
        return handle
    }

    /// A sortable UTC stamp such as `20261123T110814.123Z`.
    private static let stampFormat = Date.ISO8601FormatStyle(dateSeparator: .omitted, timeSeparator: .omitted,
                                                              includingFractionalSeconds: true)
}
