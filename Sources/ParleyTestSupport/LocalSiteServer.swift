import Foundation
import NIOCore
import NIOHTTP1
import ParleyCore
import Vapor

/// A real HTTP server on a loopback port that serves fixed pages (HTML, robots.txt, a sitemap,
/// files with any content type or status) and records what was asked for with which User-Agent.
/// Crawler and ingestion tests use it as "a customer's website"; browser tests as a host page
/// on a second origin.
public final class LocalSiteServer: Sendable {
    public struct Page: Sendable {
        public var status: Int
        public var contentType: String
        public var body: Data
        /// Send the headers and `body`, then nothing more for ten minutes (a stalled server).
        public var stallsAfterHead = false
        /// Send the headers, then `body` over and over without end.
        public var isEndless = false
        /// A `Location` header (with a 3xx `status`: a redirect). `{{origin}}` becomes the server's origin.
        public var location: String?

        /// A redirect to `location` (absolute, or relative to this page).
        public static func redirect(to location: String, status: Int = 302) -> Page {
            var page = Page(status: status, body: "")
            page.location = location
            return page
        }

        /// A page whose body never ends: `chunk` repeated for as long as the client reads.
        public static func endless(_ chunk: String = "<p>" + String(repeating: "more ", count: 1000) + "</p>") -> Page {
            var page = Page(body: chunk)
            page.isEndless = true
            return page
        }

        /// A page whose server answers with its headers and a first chunk, then stalls.
        public static func stalling(_ body: String = "<html><head><title>Slow</title>") -> Page {
            var page = Page(body: body)
            page.stallsAfterHead = true
            return page
        }

        public init(status: Int = 200, contentType: String = "text/html; charset=utf-8", body: String) {
            self.init(status: status, contentType: contentType, data: Data(body.utf8))
        }

        public init(status: Int = 200, contentType: String, data: Data) {
            self.status = status
            self.contentType = contentType
            self.body = data
        }
    }

    public struct Hit: Sendable, Equatable {
        public var path: String
        public var userAgent: String?
    }

    actor Log {
        var hits: [Hit] = []
        func record(_ hit: Hit) { hits.append(hit) }
    }

    private let server: LoopbackServer
    private let log: Log
    public var port: Int { server.port }

    /// Serves `pages` by path (with query, if any); anything else is a 404. `{{origin}}` in a
    /// body becomes the server's own origin (for sitemaps and absolute links).
    public static func start(_ pages: [String: Page], host: String = "127.0.0.1", port: Int = 0) async throws -> LocalSiteServer {
        let log = Log()
        let server = try await LoopbackServer.start(host: host, port: port) { app in
            app.middleware = Middlewares()
            app.middleware.use(SiteResponder(pages: pages, log: log))
        }
        return LocalSiteServer(server: server, log: log, host: host)
    }

    private init(server: LoopbackServer, log: Log, host: String) {
        self.server = server
        self.log = log
        self.host = host
    }

    private let host: String
    public var origin: String { "http://\(host):\(port)" }

    public func url(_ path: String) -> String { origin + path }

    public var hits: [Hit] { get async { await log.hits } }

    public func stop() async { await server.stop() }

    struct SiteResponder: AsyncMiddleware {
        let pages: [String: Page]
        let log: Log

        func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            let path = request.url.query.map { "\(request.url.path)?\($0)" } ?? request.url.path
            await log.record(Hit(path: path, userAgent: request.headers.first(name: .userAgent)))
            guard let page = pages[path] else {
                return Response(status: .notFound, headers: ["Content-Type": "text/html"], body: .init(string: "<h1>Not found</h1>"))
            }
            if page.stallsAfterHead {
                let first = page.body
                return Response(status: .ok, headers: ["Content-Type": page.contentType, "Content-Length": "1000000"],
                                body: .init(asyncStream: { writer in
                                    // Vapor requires an end or an error, even after the client has gone
                                    // (a debug build asserts otherwise when the writer goes away).
                                    do {
                                        try await writer.write(.buffer(ByteBuffer(bytes: first)))
                                        try? await Task.sleep(for: .seconds(600))
                                        try await writer.write(.end)
                                    } catch {
                                        try? await writer.write(.error(error))
                                    }
                                }))
            }
            if page.isEndless {
                let chunk = ByteBuffer(bytes: page.body)
                return Response(status: .ok, headers: ["Content-Type": page.contentType],
                                body: .init(asyncStream: { writer in
                                    // Vapor requires an end or an error, even after the client has gone.
                                    do {
                                        while !Task.isCancelled { try await writer.write(.buffer(chunk)) }
                                        try await writer.write(.end)
                                    } catch {
                                        try? await writer.write(.error(error))
                                    }
                                }))
            }
            let origin = "http://" + (request.headers.first(name: .host) ?? "127.0.0.1")
            var headers: HTTPHeaders = ["Content-Type": page.contentType]
            if let location = page.location { headers.add(name: .location, value: location.replacingOccurrences(of: "{{origin}}", with: origin)) }
            let body = page.contentType.hasPrefix("application/pdf") ? page.body
                : Data(String(decoding: page.body, as: UTF8.self).replacingOccurrences(of: "{{origin}}", with: origin).utf8)
            return Response(status: HTTPResponseStatus(statusCode: page.status), headers: headers, body: .init(data: body))
        }
    }
}
