import Foundation
import ParleyCore

/// The server secret that signs stream ids: `PARLEY_SECRET_KEY`, or else a random key kept
/// in `<data_dir>/server-secret` (mode 0600), so that a single-machine install needs no setup
/// and its stream ids survive restarts.
enum ServerSecret {
    static func resolve(secrets: ParleySecrets, dataDir: String) throws -> String {
        if let configured = secrets.serverSecret {
            guard configured.count >= 16 else {
                throw ConfigError("PARLEY_SECRET_KEY must be at least 16 characters")
            }
            return configured
        }
        let path = (dataDir as NSString).appendingPathComponent("server-secret")
        if let data = FileManager.default.contents(atPath: path) {
            let stored = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if stored.count >= 32 { return stored }
        }
        do {
            try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        } catch {
            throw ConfigError("app.data_dir: cannot create \(dataDir)")
        }
        let generated = KeyMaterial.randomKey(prefix: "", byteCount: 32)
        guard FileManager.default.createFile(atPath: path, contents: Data(generated.utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw ConfigError("app.data_dir: cannot write \(path)")
        }
        return generated
    }
}
