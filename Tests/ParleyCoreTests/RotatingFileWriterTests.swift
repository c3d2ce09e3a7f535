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
