import Foundation
import NIOCore
import NIOPosix
import ParleyCore
import ParleyLLM
import ParleyServer
import ParleyTestSupport
import Testing
import Vapor

/// `GET /a/{agent}/ws`: the visitor's live channel as a WebSocket, over a real connection.
@Suite("Visitor WebSocket")
struct VisitorSocketTests {
    /// A connected test client and the text frames it has received.
    final class Client: Sendable {
        actor Inbox {
            var frames: [JSONValue] = []
            var closed = false
            func add(_ text: String) { frames.append(JSONValue.parse(Data(text.utf8)) ?? .null) }
            func close() { closed = true }
        }

        private let inbox: Inbox
        let socket: WebSocket

        private init(socket: WebSocket, inbox: Inbox) {
            self.socket = socket
            self.inbox = inbox
        }

        static func connect(_ server: ParleyTestServer, first: String?) async throws -> Client {
            let url = server.baseURL.replacingOccurrences(of: "http://", with: "ws://") + "/a/sales/ws"
            let opened = OpenedBox()
            let inbox = Inbox()
            try await WebSocket.connect(to: url, on: MultiThreadedEventLoopGroup.singleton) { socket in
                // On the socket's event loop, where its callbacks must be set.
                socket.onText { _, text in await inbox.add(text) }
                socket.onClose.whenComplete { _ in Task { await inbox.close() } }
                await opened.set(socket)
            }
            // The upgrade callback may run just after `connect` returns.
            _ = try await eventually { await opened.socket != nil }
            let socket = try #require(await opened.socket)
            if let first { try await socket.send(first) }
            return Client(socket: socket, inbox: inbox)
        }

        /// The frames received so far, once there are at least `count`.
        func frames(atLeast count: Int) async throws -> [JSONValue] {
            _ = try await eventually { await inbox.frames.count >= count }
            return await inbox.frames
        }

        var isClosed: Bool { get async { await inbox.closed } }
    }

    actor OpenedBox {
        var socket: WebSocket?
        func set(_ socket: WebSocket) { self.socket = socket }
    }

    static func follow(_ key: String, after: Int) -> String {
        #"{"type": "follow", "session_key": "\#(key)", "after": \#(after)}"#
    }

    @Test(arguments: TestBackend.available)
    func theSocketCarriesTheChannelsEventsAndResumesAfterTheLastOneSeen(backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend) { server in
            let demo = try #require(try await server.stores.tenants.tenant(slug: "demo"))
            let ada = try await AdminTestPeople(server: server).panelSession("ada@example.com", demo.id, .operator)
            let (_, key) = try await server.chatTurn("Hello")
            let session = try #require(try await server.stores.conversations.session(tenant: demo.id, keyHash: KeyMaterial.hash(key))).id
            let api = "/admin/t/demo/console/api/sessions/\(session)"

            let visitor = try await Client.connect(server, first: Self.follow(key, after: 0))
            try await Task.sleep(for: .milliseconds(200))  // following before anything happens
            #expect(try await ada.post("\(api)/take", []).status == 200)
            #expect(try await ada.post("\(api)/reply", [("text", "Hello over the socket")]).status == 200)
            let seen = try await visitor.frames(atLeast: 2)
            #expect(seen.map { $0["event"] } == ["operator_joined", "operator_message"])
            #expect(seen.map { $0["id"] } == [1, 2] && seen[1]["data"]?["text"] == "Hello over the socket")
            // Typing over the socket reaches the console.
            let console = try await LiveEventReader.open(server.client, server.baseURL + "/admin/t/demo/console/api/events", headers: [("Cookie", ada.cookie)])
            try await Task.sleep(for: .milliseconds(200))
            try await visitor.socket.send(#"{"type": "typing"}"#)
            #expect(try await console.next()?.event == "typing")
            console.close()
            try await visitor.socket.close()

            // Two replies while away; following again after event 2 gets exactly those.
            for text in ["First while away", "Second while away"] {
                #expect(try await ada.post("\(api)/reply", [("text", text)]).status == 200)
            }
            let back = try await Client.connect(server, first: Self.follow(key, after: 2))
            let missed = try await back.frames(atLeast: 2)
            #expect(missed.map { $0["data"]?["text"] } == ["First while away", "Second while away"] && missed.map { $0["id"] } == [3, 4])
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await back.frames(atLeast: 2).count == 2)
            try await back.socket.close()
        }
    }

    @Test(arguments: TestBackend.available)
    func aSocketWithoutAValidFirstFrameIsToldWhyAndClosed(backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend) { server in
            let (_, key) = try await server.chatTurn("Hello")
            // A plain GET is told to open a WebSocket.
            #expect(try await server.send(.GET, "/a/sales/ws").errorCode == "websocket_required")
            for (first, code) in [(#"{"type": "typing"}"#, "invalid_frame"), ("not json", "invalid_frame"),
                                  (Self.follow("ps_unknown", after: 0), "unknown_session"),
                                  (Self.follow(key, after: -1), "invalid_event_id")] {
                let client = try await Client.connect(server, first: first)
                let frames = try await client.frames(atLeast: 1)
                #expect(frames.first?["type"] == "error" && frames.first?["code"]?.stringValue == code, "\(first.prefix(40))")
                #expect(try await eventually { await client.isClosed })
            }
            // A frame over 4 KB closes the socket.
            let large = try await Client.connect(server, first: #"{"type": "follow", "session_key": "\#(String(repeating: "k", count: 5_000))"}"#)
            #expect(try await eventually { await large.isClosed })
            // A follow frame, then anything but typing: refused too.
            let chatty = try await Client.connect(server, first: Self.follow(key, after: 0))
            try await chatty.socket.send(#"{"type": "take_over"}"#)
            #expect(try await chatty.frames(atLeast: 1).first?["code"] == "invalid_frame")
            #expect(try await eventually { await chatty.isClosed })
        }
    }
}
