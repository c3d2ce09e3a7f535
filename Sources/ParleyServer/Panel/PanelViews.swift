import Crypto
import Foundation
import ParleyCore
import Leaf
import LeafKit
import Vapor

/// The panel's Leaf templates and static files, bundled with the server (`Resources/Panel`).
/// Templates are parsed once and cached; every `#(value)` is HTML-escaped by Leaf, and the only
/// unescaped output (`#unsafeHTML`) is SVG that `UsageChart` builds from escaped parts.
enum PanelViews {
    static func configure(_ app: Application) throws {
        guard let folder = Bundle.module.url(forResource: "Panel", withExtension: nil)?.path else {
            throw Abort(.internalServerError, reason: "The panel's templates are missing from the bundle.")
        }
        let views = folder + "/Views"
        app.leaf.configuration = LeafConfiguration(rootDirectory: views)
        // Sandboxed to the templates' folder; not `.toVisibleFiles`, which refuses any path with
        // a hidden folder in it, and a development build's bundle lives under `.build/`.
        app.leaf.sources = .singleSource(NIOLeafFiles(fileio: app.fileio, limits: [.toSandbox, .requireExtensions], sandboxDirectory: views, viewDirectory: views))
        app.leaf.cache.isEnabled = true
        app.views.use(.leaf)
        app.storage[AssetsKey.self] = try PanelAssets(folder: folder + "/Assets")
    }

    struct AssetsKey: StorageKey {
        typealias Value = PanelAssets
    }
}

/// The panel's stylesheet and script, read once, served with an ETag.
struct PanelAssets: Sendable {
    struct Asset: Sendable {
        var body: String
        var type: HTTPMediaType
        var etag: String
    }

    let files: [String: Asset]

    init(folder: String) throws {
        var files: [String: Asset] = [:]
        for (name, type) in [("panel.css", HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])),
                             ("panel.js", HTTPMediaType(type: "text", subType: "javascript", parameters: ["charset": "utf-8"])),
                             ("console.js", HTTPMediaType(type: "text", subType: "javascript", parameters: ["charset": "utf-8"]))] {
            guard let data = FileManager.default.contents(atPath: folder + "/" + name) else {
                throw Abort(.internalServerError, reason: "The panel asset \(name) is missing.")
            }
            let body = String(decoding: data, as: UTF8.self)
            files[name] = Asset(body: body, type: type, etag: "\"" + SHA256.hash(data: data).prefix(8).hexString + "\"")
        }
        self.files = files
    }
}
