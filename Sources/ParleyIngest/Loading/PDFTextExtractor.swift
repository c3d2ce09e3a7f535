import Foundation

/// Text of a PDF through poppler's `pdftotext` (Debian: poppler-utils), run as a child process
/// with a time limit. Pages come back separately (pdftotext ends each with a form feed).
public struct PDFTextExtractor: Sendable {
    public struct Text: Sendable, Equatable {
        public var title: String?
        public var pages: [String]
    }

    public var executable: String
    public var timeout: Duration

    public init(executable: String = "pdftotext", timeout: Duration = .seconds(60)) {
        self.executable = executable
        self.timeout = timeout
    }

    public func text(of data: Data) async throws -> Text {
        guard data.starts(with: Data("%PDF-".utf8)) else { throw IngestionFailure("the file is not a PDF (it does not start with %PDF-)") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("source.pdf")
        let output = folder.appendingPathComponent("source.txt")
        try data.write(to: input)
        let status = try await run(["-enc", "UTF-8", "-q", input.path, output.path])
        guard status == 0, let raw = try? String(contentsOf: output, encoding: .utf8) else {
            throw IngestionFailure("the PDF could not be read (pdftotext exit status \(status)); it may be damaged or encrypted")
        }
        let pages = raw.split(separator: "\u{0C}", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let nonEmpty = pages.filter { !$0.isEmpty }
        guard !nonEmpty.isEmpty else { throw IngestionFailure("the PDF has no text layer (scanned pages need OCR first)") }
        return Text(title: nil, pages: nonEmpty)
    }

    private func run(_ arguments: [String]) async throws -> Int32 {
        guard let path = Self.resolve(executable) else {
            throw IngestionFailure("\(executable) is not installed (Debian: apt-get install poppler-utils; scripts/setup does this)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let limit = timeout
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: IngestionFailure("\(executable) could not be started"))
                return
            }
            Task {
                try? await Task.sleep(for: limit)
                if process.isRunning { process.terminate() }
            }
        }
    }

    static func resolve(_ executable: String) -> String? {
        if executable.contains("/") { return FileManager.default.isExecutableFile(atPath: executable) ? executable : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(executable)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
