import Foundation
import ParleyCore
import Testing

@Suite("Log file rotation")
struct RotatingFileWriterTests {
    func scratch() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-logs-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func rotatesBySizeAndKeepsEveryLine() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = try RotatingFileWriter(path: folder + "/app.jsonl", maxBytes: 300, retention: 86_400)
        for index in 0..<40 {
            writer.write(line: "{\"n\":\(index),\"pad\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}")
            Thread.sleep(forTimeInterval: 0.002)
        }
        writer.flush()
        let rotated = writer.rotatedFiles()
        #expect(rotated.count >= 3)
        var lines: [String] = []
        for file in rotated + [folder + "/app.jsonl"] {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            lines += text.split(separator: "\n").map(String.init)
            #expect(text.utf8.count <= 300)
        }
        #expect(lines.count == 40)
    }

    func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Lines wait for company at most a tenth of a second; an urgent one takes what waits with it at once.
    @Test func linesAreWrittenTogetherSoonAndUrgentOnesAtOnce() async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/app.jsonl"
        let writer = try RotatingFileWriter(path: path, maxBytes: 1 << 20, retention: 86_400)
        writer.write(line: "one")
        writer.write(line: "two")
        var waited = Duration.zero
        while lines(path).count < 2, waited < .seconds(5) {
            try await Task.sleep(for: .milliseconds(10))
            waited += .milliseconds(10)
        }
        #expect(lines(path) == ["one", "two"], "written within the delay, without a flush")
        writer.write(line: "three")
        writer.write(line: "four: an error", urgent: true)
        #expect(lines(path) == ["one", "two", "three", "four: an error"], "the urgent line and the one before it, at once")
    }

    @Test func manyPendingBytesAreWrittenAtOnce() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/app.jsonl"
        let writer = try RotatingFileWriter(path: path, maxBytes: 1 << 24, retention: 86_400)
        let line = String(repeating: "x", count: 999)
        for _ in 0 ..< (RotatingFileWriter.pendingLimit / 1_000 + 1) { writer.write(line: line) }
        #expect(lines(path).count >= RotatingFileWriter.pendingLimit / 1_000, "past the limit without waiting")
    }

    @Test func linesFromManyThreadsArriveWholeAndInTheirOrder() async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/app.jsonl"
        let writer = try RotatingFileWriter(path: path, maxBytes: 1 << 24, retention: 86_400)
        await withTaskGroup(of: Void.self) { group in
            for thread in 0 ..< 8 {
                group.addTask { for n in 0 ..< 500 { writer.write(line: "{\"thread\":\(thread),\"n\":\(n)}") } }
            }
        }
        writer.flush()
        let written = lines(path)
        #expect(written.count == 4_000)
        for thread in 0 ..< 8 {
            let mine = written.filter { $0.hasPrefix("{\"thread\":\(thread),") }
            #expect(mine == (0 ..< 500).map { "{\"thread\":\(thread),\"n\":\($0)}" })
        }
    }

    @Test func deletesRotatedFilesPastRetention() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let old = folder + "/app.jsonl.20200101T000000.000Z"
        FileManager.default.createFile(atPath: old, contents: Data("old\n".utf8))
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-30 * 86_400)], ofItemAtPath: old)
        let recent = folder + "/app.jsonl.20991231T000000.000Z"
        FileManager.default.createFile(atPath: recent, contents: Data("recent\n".utf8))
        _ = try RotatingFileWriter(path: folder + "/app.jsonl", maxBytes: 1_000, retention: 14 * 86_400)
        #expect(!FileManager.default.fileExists(atPath: old))
        #expect(FileManager.default.fileExists(atPath: recent))
    }

    @Test func sizesAndDurationsParse() throws {
        #expect(try LogSizes.bytes("50 MB", key: "k") == 50 * 1024 * 1024)
        #expect(try LogSizes.bytes("512kb", key: "k") == 512 * 1024)
        #expect(try LogSizes.seconds("14 days", key: "k") == 14 * 86_400)
        #expect(try LogSizes.seconds("12 hours", key: "k") == 12 * 3_600)
        #expect(throws: ConfigError.self) { try LogSizes.bytes("lots", key: "logging.rotation") }
        #expect(throws: ConfigError.self) { try LogSizes.seconds("3 fortnights", key: "logging.retention") }
    }
}
