#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ParleyCore
import ParleyTestSupport
import Testing

struct SocketFailure: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// What an anonymous client can hold or make the server do at the connection level.
@Suite("Connection limits")
struct ConnectionLimitsTests {
    /// Opens a TCP connection, sends `bytes`, and returns how long until the server closed it
    /// (nil if it was still open after `wait`).
    static func secondsUntilClosed(port: Int, sending bytes: [UInt8], wait: Double) throws -> Double? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SocketFailure("no socket") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw SocketFailure("cannot connect") }
        if !bytes.isEmpty { _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, bytes.count, 0) } }
        var timeout = timeval(tv_sec: Int(wait.rounded(.up)), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let started = Date()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 { return Date().timeIntervalSince(started) }  // closed by the server
            if count < 0 { return nil }  // still open when the wait ran out
        }
    }

    @Test func idleConnectionsAreClosed() async throws {
        try await ParleyTestServer.with(.sqlite, adjust: { $0.app.idleTimeoutSeconds = 1 }) { server in
            let port = try #require(Int(server.baseURL.split(separator: ":").last ?? ""))
            // Nothing sent at all, and a request whose headers never finish (slow loris).
            let silent = try await offPool { try Self.secondsUntilClosed(port: port, sending: [], wait: 6) }
            let partial = try await offPool { try Self.secondsUntilClosed(port: port, sending: Array("GET /health HTTP/1.1\r\nHost: x\r\n".utf8), wait: 6) }
            #expect(silent != nil && silent! < 5, "an idle connection was held: \(String(describing: silent))")
            #expect(partial != nil && partial! < 5, "a request that never finished was held: \(String(describing: partial))")
        }
    }

    @Test func overlongAddressesAndHeadersAreRefused() async throws {
        try await ParleyTestServer.with(.sqlite) { server in
            let long = try await server.send(.GET, "/a/sales/history?" + String(repeating: "q", count: 9_000))
            #expect(long.status == 414 && long.errorCode == "uri_too_long", "\(long.status)")
            let path = try await server.send(.POST, "/" + String(repeating: "a", count: 20_000), body: Data("{}".utf8))
            #expect(path.status == 414)
            // Headers past SwiftNIO's 80 KB are not read into a request at all.
            let port = try #require(Int(server.baseURL.split(separator: ":").last ?? ""))
            let huge = Array("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 100_000))\r\n\r\n".utf8)
            let closedAfter = try await offPool { try Self.secondsUntilClosed(port: port, sending: huge, wait: 10) }
            #expect(closedAfter != nil, "the connection was closed")
            // The server still answers.
            #expect(try await server.send(.GET, "/health").status == 200)
        }
    }

    @Test func compressedRequestBodiesAreNotInflated() async throws {
        try await ParleyTestServer.with(.sqlite) { server in
            // 400 KB of zeros gzipped is a few hundred bytes; inflated it would pass the chat body limit many times.
            let bomb = try await offPool { try Self.gzip(Data(repeating: 0x20, count: 400_000)) }
            let reply = try await server.send(.POST, "/a/sales/chat", headers: [("Content-Encoding", "gzip")], body: bomb)
            #expect(reply.status == 400, "\(reply.status) \(String(decoding: reply.body, as: UTF8.self))")
            #expect(reply.errorCode == "invalid_json")
            #expect(try await server.rowCount("messages") == 0)
        }
    }

    static func gzip(_ data: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-c"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(data)
        try input.fileHandleForWriting.close()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return compressed
    }
}

/// The sources API checks the API key before it reads a body: a client without one cannot make
/// the server buffer an upload.
@Suite("Unauthenticated uploads")
struct UnauthenticatedUploadTests {
    actor Sent {
        var bytes = 0
        func add(_ count: Int) { bytes += count }
    }

    @Test func aBigUploadWithoutAValidKeyIsRefusedBeforeItsBodyIsRead() async throws {
        try await ParleyTestServer.with(.sqlite, adjust: { $0.app.seedDemo = false }) { server in
            let total = 10 << 20
            let chunk = 64 << 10
            let sent = Sent()
            var request = HTTPClientRequest(url: server.baseURL + "/api/v1/sources")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer sk_not_a_key")
            request.headers.add(name: "Content-Type", value: "application/json")
            let chunks = AsyncStream<ByteBuffer> { continuation in
                Task {
                    for _ in 0 ..< total / chunk {
                        await sent.add(chunk)
                        continuation.yield(ByteBuffer(repeating: 0x20, count: chunk))
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                    continuation.finish()
                }
            }
            request.body = .stream(chunks, length: .known(Int64(total)))
            let response = try await server.client.execute(request, timeout: .seconds(30))
            let sentWhenAnswered = await sent.bytes
            #expect(response.status == .unauthorized)
            // Ten megabytes take at least 1.6 s to send at this pace; the answer came after the headers.
            #expect(sentWhenAnswered < total / 2, "\(sentWhenAnswered) of \(total) bytes were sent before the answer")
            #expect(try await server.rowCount("sources") == 0)
        }
    }
}
