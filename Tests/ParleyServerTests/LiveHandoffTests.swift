import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyLLM
import ParleyServer
import ParleyTestSupport
import Testing

/// The live hand-over over real HTTP: an operator takes a conversation over in the console's API,
/// the bot stops, the operator's replies reach the visitor's live channel, a visitor who
/// reconnects gets exactly what was missed, and hand-back gives the conversation to the bot again.
@Suite("Live hand-over")
struct LiveHandoffTests {
    @Test(arguments: TestBackend.available)
    func anOperatorTakesOverRepliesAndHandsBack(backend: TestBackend) async throws {
        let fake = try await FakeOpenAIServer.start()
        defer { Task { await fake.stop() } }
        for text in ["We ship to Canada [1].", "Glad to help again."] {
            await fake.enqueue(.stream(tokens: [text], usage: TokenUsage(promptTokens: 10, completionTokens: 4)))
        }
        try await ParleyTestServer.with(backend, secrets: ParleySecrets(llmAPIKey: "sk-test-key-123456"), adjust: { $0.llm.baseURL = fake.baseURL }) { server in
            let demo = try #require(try await server.stores.tenants.tenant(slug: "demo"))
            let people = AdminTestPeople(server: server)
            let ada = try await people.panelSession("ada@example.com", demo.id, .operator)
            let viewer = try await people.panelSession("viewer@example.com", demo.id, .viewer)

            let (_, key) = try await server.chatTurn("Do you ship to Canada?")
            #expect(await fake.received().count == 1)
            let visitor = [("X-Parley-Session", key)]
            let history = try await server.send(.GET, "/a/sales/history", headers: visitor)
            #expect(history.json["last_event_id"] == 0 && history.json["waiting"] == false && history.json["person"] == nil)
            let session = try #require(try await server.stores.conversations.session(tenant: demo.id, keyHash: KeyMaterial.hash(key))).id
            let api = "/admin/t/demo/console/api/sessions/\(session)"

            let channel = try await LiveEventReader.open(server.client, server.baseURL + "/a/sales/session/events", headers: visitor)
            #expect(channel.status == 200)

            // A viewer reads but cannot take over.
            #expect(try await viewer.post("\(api)/take", []).status == 403)
            let taken = try await ada.post("\(api)/take", [])
            #expect(taken.status == 200 && item(taken.json["events"], 0)?["kind"] == "operator_joined")
            let joined = try #require(try await channel.nextEvent())
            #expect(joined.event == "operator_joined" && joined.id == "1" && joined.json["operator"]?["name"] == "ada@example.com")

            // The bot is silent: the visitor's message goes to the operator, and the model is not called.
            let held = try await server.postChat(["message": "Are you a real person?", "session_key": key])
            #expect(held.status == 202 && held.json["person"]?["name"] == "ada@example.com" && held.json["stream_id"] == nil)
            #expect(await fake.received().count == 1)

            #expect(try await ada.post("\(api)/reply", [("text", "Yes, I'm Ada. How can I help?")]).status == 200)
            let reply = try #require(try await channel.nextEvent())
            #expect(reply.event == "operator_message" && reply.json["text"] == "Yes, I'm Ada. How can I help?")
            // Notes stay with the operators.
            #expect(try await ada.post("\(api)/note", [("text", "Customer in Toronto, wants a quote")]).status == 200)

            // The visitor leaves; two replies arrive meanwhile; reconnecting after the last seen event gets exactly those.
            let lastSeen = try #require(reply.id)
            channel.close()
            for text in ["Are you still there?", "I've sent you a quote."] {
                #expect(try await ada.post("\(api)/reply", [("text", text)]).status == 200)
            }
            let resumed = try await LiveEventReader.open(server.client, server.baseURL + "/a/sales/session/events",
                                                         headers: visitor + [("Last-Event-ID", lastSeen)])
            let missed = [try #require(try await resumed.nextEvent()), try #require(try await resumed.nextEvent())]
            #expect(missed.map { $0.json["text"]?.stringValue } == ["Are you still there?", "I've sent you a quote."])
            #expect(missed.compactMap(\.id).compactMap(Int.init) == [5, 6])
            #expect(try await ada.post("\(api)/reply", [("text", "Bye for now.")]).status == 200)
            #expect(try await resumed.nextEvent()?.json["text"] == "Bye for now.")

            // The visitor's history shows who said what, without the note, and where to resume.
            let transcript = try await server.send(.GET, "/a/sales/history", headers: visitor)
            let roles = transcript.json["messages"]?.arrayValue?.compactMap { $0["role"]?.stringValue } ?? []
            #expect(roles == ["human", "assistant", "human", "operator", "operator", "operator", "operator"])
            #expect(item(transcript.json["messages"], 3)?["author"] == "ada@example.com")
            #expect(transcript.json["person"]?["name"] == "ada@example.com" && transcript.json["last_event_id"] == 7)
            // Operators read everything, the note included.
            let console = try await viewer.get(api)
            #expect(console.status == 200 && console.json["messages"]?.arrayValue?.contains { $0["role"] == "note" } == true)

            // Hand-back: the visitor is told, and the bot answers the next message again.
            #expect(try await ada.post("\(api)/hand-back", []).status == 200)
            let left = try #require(try await resumed.nextEvent())
            #expect(left.event == "operator_left" && left.json["outcome"] == "handed_back")
            resumed.close()
            let (again, _) = try await server.chatTurn("Thanks! One more question about shipping.", sessionKey: key)
            #expect(again.contains { $0.event == "done" })
            #expect(await fake.received().count == 2)
            // The model reads the person's replies as the business's side of the conversation.
            let prompt = await fake.received()[1].body["messages"]?.arrayValue ?? []
            #expect(prompt.contains { $0["role"] == "assistant" && $0["content"] == "I've sent you a quote." })
            #expect(!prompt.contains { $0["content"]?.stringValue?.contains("Toronto") == true })
        }
    }

    @Test(arguments: TestBackend.available)
    func aTakeoverBetweenTheMessageAndItsStreamKeepsTheBotSilent(backend: TestBackend) async throws {
        let fake = try await FakeOpenAIServer.start()
        defer { Task { await fake.stop() } }
        await fake.enqueue(.stream(tokens: ["Yes, we do [1]."], usage: TokenUsage(promptTokens: 10, completionTokens: 4)))
        try await ParleyTestServer.with(backend, secrets: ParleySecrets(llmAPIKey: "sk-test-key-123456"), adjust: {
            $0.llm.baseURL = fake.baseURL
            $0.chat.prepareAnswers = .always
        }) { server in
            let demo = try #require(try await server.stores.tenants.tenant(slug: "demo"))
            let ada = try await AdminTestPeople(server: server).panelSession("ada@example.com", demo.id, .operator)
            let (_, key) = try await server.chatTurn("Do you ship to Canada?")
            #expect(await fake.received().count == 1)
            let session = try #require(try await server.stores.conversations.session(tenant: demo.id, keyHash: KeyMaterial.hash(key))).id

            // The stream id is issued, then Ada takes over before the widget redeems it.
            await fake.enqueue(.stream(tokens: ["It costs $49 [1]."], usage: TokenUsage(promptTokens: 10, completionTokens: 4)))
            let posted = try await server.postChat(["message": "And what does it cost?", "session_key": key])
            let streamID = try #require(posted.json["stream_id"]?.stringValue)
            #expect(try await eventually { await fake.received().count == 2 })
            #expect(try await ada.post("/admin/t/demo/console/api/sessions/\(session)/take", []).status == 200)
            let path = "/a/sales/events/stream?stream_id=\(streamID)"
            let refused = try await server.send(.GET, path, headers: [("X-Parley-Session", key)])
            #expect(refused.status == 409 && refused.errorCode == "held_by_person")
            // The answer the POST started (chat.prepare_answers) is dropped unstored, its call recorded.
            #expect(try await eventually { try await server.rowCount("llm_requests") == 2 })
            #expect(try await server.rowCount("messages") == 3)
            // The message is Ada's to answer, and the id stays spent.
            let transcript = try await ada.get("/admin/t/demo/console/api/sessions/\(session)")
            #expect(transcript.json["messages"]?.arrayValue?.last?["text"] == "And what does it cost?")
            #expect(try await server.send(.GET, path, headers: [("X-Parley-Session", key)]).errorCode == "stream_used")
        }
    }

    @Test(arguments: TestBackend.available)
    func escalationsAreAnnouncedAndOnlyOnePersonHoldsAConversation(backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend) { server in
            let demo = try #require(try await server.stores.tenants.tenant(slug: "demo"))
            let people = AdminTestPeople(server: server)
            let ada = try await people.panelSession("ada@example.com", demo.id, .operator)
            let bob = try await people.panelSession("bob@example.com", demo.id, .operator)

            let (_, key) = try await server.chatTurn("Hello")
            let channel = try await LiveEventReader.open(server.client, server.baseURL + "/a/sales/session/events",
                                                         headers: [("X-Parley-Session", key)])
            _ = try await server.chatTurn("Can I talk to a person please?", sessionKey: key)
            let waiting = try #require(try await channel.nextEvent())
            #expect(waiting.event == "escalated" && waiting.json["reason"] == "visitor_request")

            let state = try await bob.get("/admin/t/demo/console/api/state")
            let escalation = try #require(item(state.json["escalations"], 0))
            #expect(state.json["can_act"] == true && escalation["reason"] == "visitor_request" && escalation["held_by"] == nil)
            let session = try #require(escalation["session"]?.stringValue)
            let api = "/admin/t/demo/console/api/sessions/\(session)"
            // Assigned to Ada, who then takes it; Bob cannot take it from her, nor reply.
            let adaID = try #require(state.json["operators"]?.arrayValue?.first { $0["name"] == "ada@example.com" }?["id"]?.stringValue)
            #expect(try await bob.post("\(api)/assign", [("operator_id", adaID)]).status == 200)
            #expect(try await bob.post("\(api)/assign", [("operator_id", UUID().uuidString)]).status == 404)
            #expect(try await ada.post("\(api)/take", []).status == 200)
            #expect(try await ada.post("\(api)/take", []).json["events"]?.arrayValue?.isEmpty == true)
            let refused = try await bob.post("\(api)/take", [])
            #expect(refused.status == 409 && refused.errorCode == "held_by_another")
            #expect(try await bob.post("\(api)/reply", [("text", "Hi")]).errorCode == "held_by_another")
            #expect(try await channel.nextEvent()?.event == "operator_joined")
            #expect(try await server.send(.GET, "/a/sales/history", headers: [("X-Parley-Session", key)]).json["waiting"] == false)

            // Closing ends it; the inbox is empty again.
            #expect(try await bob.post("\(api)/close", []).status == 200)
            let closed = try #require(try await channel.nextEvent())
            #expect(closed.event == "operator_left" && closed.json["outcome"] == "closed" && closed.json["operator"]?["name"] == "ada@example.com")
            #expect(try await bob.get("/admin/t/demo/console/api/state").json["escalations"]?.arrayValue?.isEmpty == true)
            #expect(try await bob.post("\(api)/close", []).status == 404)
            channel.close()

            // Outside business hours (a weekday other than today's, on the tenant's clock) the
            // visitor is told nobody is in, and the escalation still waits for the morning.
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let today = (calendar.component(.weekday, from: Date()) + 5) % 7   // 0 = Monday
            let closedDay = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][(today + 3) % 7]
            var editor = TenantSettingsEditor(settings: demo.settings)
            try editor.apply("handoff.hours=\(closedDay) 09:00-17:00")
            try await server.stores.tenants.setSettings(demo.id, editor.settings)
            let (_, night) = try await server.chatTurn("Hello")
            let late = try await LiveEventReader.open(server.client, server.baseURL + "/a/sales/session/events", headers: [("X-Parley-Session", night)])
            _ = try await server.chatTurn("I want to speak to a human", sessionKey: night)
            let away = try #require(try await late.nextEvent())
            #expect(away.event == "escalated" && away.json["staffed"] == false && away.json["expected_wait_seconds"] == nil)
            #expect(try await bob.get("/admin/t/demo/console/api/state").json["escalations"]?.arrayValue?.count == 1)
            late.close()
        }
    }

    @Test(arguments: TestBackend.available)
    func consoleAndChannelRefuseBadInputAndOtherTenants(backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend, adjust: { $0.app.mode = .multiTenant }) { server in
            let demo = try #require(try await server.stores.tenants.tenant(slug: "demo"))
            let other = try await server.services.provisioner(server.stores).createTenant(name: "Other", slug: "other").tenant
            let people = AdminTestPeople(server: server)
            let ada = try await people.panelSession("ada@example.com", demo.id, .operator)
            let mallory = try await people.panelSession("mallory@example.com", other.id, .owner)
            let (_, key) = try await server.chatTurn("Hello", headers: [("X-Parley-Tenant", demo.widgetKey)])
            let session = try #require(try await server.stores.conversations.session(tenant: demo.id, keyHash: KeyMaterial.hash(key))).id
            let api = "/admin/t/demo/console/api/sessions/\(session)"

            // Another tenant's owner: not their tenant (404), and under their own slug no such conversation (404).
            #expect(try await mallory.post("\(api)/take", []).status == 404)
            #expect(try await mallory.get(api).status == 404)
            let foreign = try await mallory.post("/admin/t/other/console/api/sessions/\(session)/take", [])
            #expect(foreign.status == 404 && foreign.errorCode == "unknown_conversation")
            #expect(try await mallory.get("/admin/t/other/console/api/sessions/\(session)").status == 404)
            #expect(try await mallory.get("/admin/t/other/console/api/state").json["live"]?.arrayValue?.isEmpty == true)
            // Not signed in: JSON 401, not a redirect.
            let anonymous = try await server.send(.GET, "/admin/t/demo/console/api/state")
            #expect(anonymous.status == 401 && anonymous.errorCode != nil)

            // Forms without the token, malformed ids, empty and oversized text.
            #expect(try await ada.post("\(api)/take", [], csrf: false).status == 403)
            #expect(try await ada.post("/admin/t/demo/console/api/sessions/not-a-uuid/take", []).status == 404)
            #expect(try await ada.post("\(api)/take", []).status == 200)
            #expect(try await ada.post("\(api)/reply", [("text", "   ")]).status == 400)
            #expect(try await ada.post("\(api)/reply", [("text", String(repeating: "x", count: 4_001))]).status == 413)
            #expect(try await ada.post("\(api)/reply", [("wrong", "field")]).status == 400)
            #expect(try await ada.post("\(api)/reply", [("text", String(repeating: "y", count: 70_000))]).status == 413)
            let messages = try await server.rowCount("messages")

            // The visitor's channel: a key is required, must be this tenant's, and the resume point a number.
            func channelStatus(_ headers: [(String, String)], query: String = "") async throws -> Int {
                let reader = try await LiveEventReader.open(server.client, server.baseURL + "/a/sales/session/events" + query, headers: headers)
                defer { reader.close() }
                return reader.status
            }
            let site = ("X-Parley-Tenant", demo.widgetKey)
            #expect(try await channelStatus([site]) == 401)
            #expect(try await channelStatus([site, ("X-Parley-Session", "ps_unknown")]) == 404)
            #expect(try await channelStatus([site, ("X-Parley-Session", key), ("Last-Event-ID", "-1")]) == 400)
            #expect(try await channelStatus([site, ("X-Parley-Session", key)], query: "?after=abc") == 400)
            #expect(try await channelStatus([site, ("X-Parley-Session", String(repeating: "k", count: 5_000))]) == 404)
            #expect(try await channelStatus([("X-Parley-Tenant", other.widgetKey), ("X-Parley-Session", key)]) == 404)
            #expect(try await channelStatus([site, ("X-Parley-Session", key)]) == 200)
            #expect(try await server.send(.POST, "/a/sales/session/typing", headers: [site, ("X-Parley-Session", "x")]).status == 404)
            #expect(try await server.send(.POST, "/a/sales/session/typing", headers: [("X-Parley-Tenant", other.widgetKey), ("X-Parley-Session", key)]).status == 404)
            #expect(try await server.rowCount("messages") == messages)
        }
    }

    @Test(arguments: TestBackend.available)
    func concurrentWritersNumberEventsWithoutGapsOrTwins(backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend) { server in
            let demo = try #require(try await server.stores.tenants.tenant(slug: "demo"))
            let (_, key) = try await server.chatTurn("Hello")
            let session = try #require(try await server.stores.conversations.session(tenant: demo.id, keyHash: KeyMaterial.hash(key))).id
            let ada = OperatorIdentity(id: AdminUserID(), name: "Ada")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0 ..< 12 {
                    group.addTask {
                        _ = try await server.stores.live.apply(.note(ada, text: "note \(index)"), tenant: demo.id, session: session, at: Date())
                    }
                }
                try await group.waitForAll()
            }
            let events = try await server.stores.live.events(tenant: demo.id, session: session, after: 0, limit: 100)
            #expect(events.map(\.sequence) == Array(1 ... 12))
            #expect(Set(events.compactMap { $0.data["text"]?.stringValue }).count == 12)
            #expect(try await server.stores.live.events(tenant: TenantID(), session: session, after: 0, limit: 100).isEmpty)
        }
    }
}

/// The `index`th element of a JSON array, if there is one.
private func item(_ array: JSONValue?, _ index: Int) -> JSONValue? {
    guard let items = array?.arrayValue, items.indices.contains(index) else { return nil }
    return items[index]
}

/// Two `parley serve` processes on one PostgreSQL database: the visitor follows one, the
/// operator works on the other, and the messages cross through LISTEN/NOTIFY.
@Suite("Live hand-over across processes")
struct LiveHandoffAcrossProcessesTests {
    @Test(arguments: [TestBackend.postgres])
    func anOperatorOnOneServerReachesAVisitorOnAnother(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let visitorSide = try await ParleyTestServer.start(database)
            let operatorSide = try await ParleyTestServer.start(database) { $0.app.seedDemo = false }
            defer { Task { await visitorSide.stop(); await operatorSide.stop() } }
            let demo = try #require(try await visitorSide.stores.tenants.tenant(slug: "demo"))
            let ada = try await AdminTestPeople(server: operatorSide).panelSession("ada@example.com", demo.id, .operator)
            let (_, key) = try await visitorSide.chatTurn("Hello")
            let session = try #require(try await visitorSide.stores.conversations.session(tenant: demo.id, keyHash: KeyMaterial.hash(key))).id
            let api = "/admin/t/demo/console/api/sessions/\(session)"
            let channel = try await LiveEventReader.open(visitorSide.client, visitorSide.baseURL + "/a/sales/session/events",
                                                         headers: [("X-Parley-Session", key)])
            #expect(channel.status == 200)
            // The console on the operator's server hears the visitor on the other one.
            let console = try await LiveEventReader.open(operatorSide.client, operatorSide.baseURL + "/admin/t/demo/console/api/events",
                                                         headers: [("Cookie", ada.cookie)])
            #expect(console.status == 200)
            try await Task.sleep(for: .milliseconds(300))  // both listeners are LISTENing

            // The visitor asks for a person on the first server: the escalation, stored with the
            // answer and notified by the answer's statement, reaches the console on the second
            // (within 5 s: sooner than the console's 10-second re-read of the store would find it).
            _ = try await visitorSide.chatTurn("Can I talk to a person please?", sessionKey: key)
            let waiting = try #require(try await console.nextEvent(within: 5))
            #expect(waiting.event == "escalated" && waiting.json["reason"] == "visitor_request" && waiting.id == "1")
            #expect(try await channel.nextEvent()?.event == "escalated")

            #expect(try await ada.post("\(api)/take", []).status == 200)
            #expect(try await channel.nextEvent()?.event == "operator_joined")
            #expect(try await console.nextEvent()?.event == "operator_joined")
            #expect(try await ada.post("\(api)/reply", [("text", "Hello from the other server")]).status == 200)
            let reply = try #require(try await channel.nextEvent())
            #expect(reply.event == "operator_message" && reply.json["text"] == "Hello from the other server" && reply.id == "3")

            // The visitor's message, posted to the first server, reaches the console on the second, and so does their typing.
            #expect(try await visitorSide.send(.POST, "/a/sales/session/typing", headers: [("X-Parley-Session", key)]).status == 204)
            let held = try await visitorSide.postChat(["message": "Thanks, that was quick", "session_key": key])
            #expect(held.status == 202)
            var kinds: [String] = []
            while kinds.count < 3, let event = try await console.next() { kinds.append(event.event) }
            #expect(kinds == ["operator_message", "typing", "visitor_message"])

            // A reply too long for a notice's payload is read from the database by the receiving server.
            let long = String(repeating: "Quite a long answer. ", count: 190)
            #expect(try await ada.post("\(api)/reply", [("text", long)]).status == 200)
            let longReply = try #require(try await channel.nextEvent())
            #expect(longReply.json["text"]?.stringValue == long.trimmingCharacters(in: .whitespaces))
            channel.close()
            console.close()
        }
    }
}
