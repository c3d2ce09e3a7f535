import Foundation
import Synchronization

/// Appends lines to a log file, rotating it when it passes `maxBytes` and deleting rotated
/// files older than `retention`. Logging is synchronous by contract (swift-log), so the file
/// handle lives behind a mutex rather than an actor.
///
/// Lines are gathered and written together, at most ``flushDelay`` after the first of them (or
/// at once when ``pendingLimit`` bytes wait, when a line is `urgent`, on ``flush()``, and when the
/// process exits): a write to the file for every line, three lines a chat turn, was 1% of the
/// server's CPU under load. What a crash can lose is the last tenth of a second of lines below
/// the urgent level (the handler marks warnings and errors urgent).
public final class RotatingFileWriter: Sendable {
    private struct State {
        var handle: FileHandle?
        /// The file's size once what is pending is written.
        var size: Int
        var pending: [UInt8] = []
        var flushScheduled = false
    }

    /// How long a line may wait for others before it is written.
    public static let flushDelay: Duration = .milliseconds(100)
    /// Pending bytes that are written at once, whatever the delay.
    public static let pendingLimit = 64 * 1024

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
        WritersFlushedAtExit.register(self)
    }

    deinit {
        state.withLock { Self.writePending(&$0) }
    }

    /// Adds a line; `urgent` writes it (and what waits before it) at once.
    public func write(line: String, urgent: Bool = false) {
        let length = line.utf8.count + 1
        let (rotated, schedule) = state.withLock { state -> (Bool, Bool) in
            var didRotate = false
            if state.size + length > maxBytes, state.size > 0 {
                Self.writePending(&state)
                try? state.handle?.close()
                let stamp = Date().formatted(Self.stampFormat)
                try? FileManager.default.moveItem(atPath: path, toPath: "\(path).\(stamp)")
                state.handle = try? Self.open(path)
                state.size = 0
                didRotate = true
            }
            state.pending.append(contentsOf: line.utf8)
            state.pending.append(UInt8(ascii: "\n"))
            state.size += length
            if urgent || state.pending.count >= Self.pendingLimit {
                Self.writePending(&state)
                return (didRotate, false)
            }
            guard !state.flushScheduled else { return (didRotate, false) }
            state.flushScheduled = true
            return (didRotate, true)
        }
        if schedule {
            Task.detached { [weak self] in
                try? await Task.sleep(for: Self.flushDelay)
                self?.flush()
            }
        }
        if rotated { pruneOldFiles() }
    }

    /// Writes every pending line now.
    public func flush() {
        state.withLock { Self.writePending(&$0) }
    }

    private static func writePending(_ state: inout State) {
        state.flushScheduled = false
        guard !state.pending.isEmpty else { return }
        try? state.handle?.write(contentsOf: state.pending)
        state.pending.removeAll(keepingCapacity: state.pending.capacity <= pendingLimit * 2)
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

/// The writers whose pending lines are written when the process exits (`exit`, or returning from
/// `main`): a command's last lines, a server's after it stopped.
private enum WritersFlushedAtExit {
    private struct Entry { weak var writer: RotatingFileWriter? }
    private static let writers = Mutex<[Entry]>([])
    /// Installed by the first registration (a static's initialiser runs once).
    private static let exitHook: Void = { atexit { WritersFlushedAtExit.flushAll() } }()

    static func register(_ writer: RotatingFileWriter) {
        writers.withLock { entries in
            entries.removeAll { $0.writer == nil }
            entries.append(Entry(writer: writer))
        }
        exitHook
    }

    static func flushAll() {
        for entry in writers.withLock({ $0 }) { entry.writer?.flush() }
    }
}
