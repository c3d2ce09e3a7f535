import Fluent
import NIOHTTP1
import ParleyChat
import Foundation
import ParleyCore
import ParleyLeads
import ParleyMail
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing
import Vapor

/// E-mail through Mailgun's HTTP API, against a fake Mailgun over real HTTP: the form fields and
/// basic auth, a 429 retried after `Retry-After`, a 400 never retried, a send whose answer was
/// lost looked up instead of repeated, and signed delivery webhooks.
@Suite("Mailgun delivery")
struct MailgunDeliveryTests {
    static let domain = "mg.demo.example"
    static let signingKey = "webhook-signing-key-0123456789"

    func withMailgun(_ backend: TestBackend, timeout: Double = 10, _ body: (ParleyTestServer, FakeMailgunServer) async throws -> Void) async throws {
        let mailgun = try await FakeMailgunServer.start()
        var secrets = ParleySecrets(mailgunAPIKey: mailgun.apiKey)
        secrets.mailgunWebhookSigningKey = Self.signingKey
        do {
            try await ParleyTestServer.with(backend, secrets: secrets, adjust: { config in
                config.email.provider = .mailgun
                config.email.mailgun.baseURL = mailgun.baseURL
                config.email.mailgun.domain = Self.domain
                config.email.mailgun.timeoutSeconds = timeout
                config.email.mailgun.lostSendCheckSeconds = 1
                config.jobs.retryBaseSeconds = 0.2
            }) { server in try await body(server, mailgun) }
        } catch {
            await mailgun.stop()
            throw error
        }
        await mailgun.stop()
    }

    /// Queues one lead e-mail about a fresh conversation; returns its id.
    func queueEmail(_ server: ParleyTestServer, to recipient: String = "sales@demo.example") async throws -> (EmailID, TenantID) {
        let demo = try await server.services.provisioner(server.stores).tenant(slug: "demo")
        _ = try await server.services.provisioner(server.stores).editSettings(slug: "demo", assignments: ["leads.recipients=\(recipient)"], removals: [])
        let turn = try await server.chatTurn("Hi, I'm Ben <script>x</script>. Is the Aurora City in stock?")
        let session = try #require(try await server.stores.conversations.session(tenant: demo.id, keyHash: KeyMaterial.hash(turn.sessionKey)))
        let outcome = try await server.services.summaries(on: server.app.db(.parley))
            .summarize(session: session.id, tenant: demo.id, trigger: .onDemand, mailing: .always, logger: server.app.logger)
        #expect(outcome.emailed == [recipient])
        let emails = try await FluentEmailOutbox(database: server.app.db(.parley)).recent(tenant: demo.id, session: session.id, limit: 1)
        return (try #require(emails.first?.id), demo.id)
    }

    func status(_ server: ParleyTestServer, _ id: EmailID, _ tenant: TenantID) async throws -> EmailForDelivery? {
        try await FluentEmailOutbox(database: server.app.db(.parley)).email(tenant: tenant, id: id)
    }

    @Test(arguments: TestBackend.available)
    func aLeadEmailGoesOutWithMailgunsFieldsAndDeliveryWebhooksUpdateIt(_ backend: TestBackend) async throws {
        try await withMailgun(backend) { server, mailgun in
            let (id, tenant) = try await queueEmail(server)
            #expect(try await eventually { try await status(server, id, tenant)?.status == .sent })
            let messages = await mailgun.messages
            #expect(messages.count == 1)
            let fields = try #require(messages.first?.fields)
            #expect(messages.first?.domain == Self.domain)
            #expect(fields["from"] == "Parley <parley@example.com>" && fields["to"] == "sales@demo.example")
            #expect(fields["subject"]?.contains("Ben") == true && fields["o:tag"] == "lead_summary")
            #expect(fields["v:parley_email_id"] == id.description)
            #expect(fields["h:Message-Id"] == "<\(id)@\(Self.domain)>")
            #expect(fields["text"]?.contains("<script>x</script>") == true)
            #expect(fields["html"]?.contains("&lt;script&gt;x&lt;/script&gt;") == true && fields["html"]?.contains("<script>") == false)
            let sent = try #require(try await status(server, id, tenant))
            #expect(sent.attempts == 1 && sent.providerMessageID == "\(id)@\(Self.domain)")

            // Mailgun's webhooks: signed, fresh and new ones move the status; others are refused.
            func webhook(event: String, severity: String? = nil, timestamp: Int = Int(Date().timeIntervalSince1970),
                         token: String = UUID().uuidString, signature: String? = nil, messageID: String = "\(id)@\(Self.domain)") async throws -> ParleyTestServer.Reply {
                let stamp = String(timestamp)
                var data: [String: JSONValue] = ["event": .string(event), "message": .object(["headers": .object(["message-id": .string(messageID)])])]
                if let severity { data["severity"] = .string(severity) }
                let body: JSONValue = .object([
                    "signature": .object(["timestamp": .string(stamp), "token": .string(token),
                                          "signature": .string(signature ?? FakeMailgunServer.sign(key: Self.signingKey, timestamp: stamp, token: token))]),
                    "event-data": .object(data),
                ])
                return try await server.send(.POST, "/webhooks/mailgun", body: Data(body.jsonString.utf8))
            }
            #expect(try await webhook(event: "delivered", signature: String(repeating: "0", count: 64)).errorCode == "invalid_signature")
            #expect(try await webhook(event: "delivered", signature: "short").errorCode == "invalid_signature")
            #expect(try await webhook(event: "delivered", timestamp: Int(Date().timeIntervalSince1970) - 3600).errorCode == "stale_signature")
            #expect(try await status(server, id, tenant)?.status == .sent, "refused webhooks change nothing")
            let token = UUID().uuidString
            let delivered = try await webhook(event: "delivered", token: token)
            #expect(delivered.status == 200 && delivered.json["status"]?.stringValue == "delivered")
            #expect(try await webhook(event: "complained", token: token).errorCode == "replayed_webhook")
            #expect(try await status(server, id, tenant)?.status == .delivered)
            #expect(try await webhook(event: "failed", severity: "temporary").json["status"]?.stringValue == "ignored")
            #expect(try await webhook(event: "accepted").status == 200)
            #expect(try await status(server, id, tenant)?.status == .delivered, "a late accepted never moves it back")
            #expect(try await webhook(event: "delivered", messageID: "someone-else@\(Self.domain)").json["status"]?.stringValue == "unknown_message")
            // Malformed bodies.
            #expect(try await server.send(.POST, "/webhooks/mailgun", body: Data("{".utf8)).errorCode == "invalid_json")
            #expect(try await server.send(.POST, "/webhooks/mailgun", body: Data("a=b".utf8), contentType: "application/x-www-form-urlencoded").status == 415)
            #expect(try await server.send(.POST, "/webhooks/mailgun", body: Data(repeating: 0x20, count: 70_000)).status == 413)
        }
    }

    @Test(arguments: TestBackend.available)
    func aRateLimitIsRetriedAndARefusalIsNot(_ backend: TestBackend) async throws {
        try await withMailgun(backend) { server, mailgun in
            await mailgun.script([.status(429)])
            let (first, tenant) = try await queueEmail(server)
            #expect(try await eventually { try await status(server, first, tenant)?.status == .sent })
            #expect(await mailgun.posts == 2)
            #expect(await mailgun.messages.count == 1)
            #expect(try await status(server, first, tenant)?.attempts == 2)

            await mailgun.script([.status(400)])
            let (second, _) = try await queueEmail(server, to: "other@demo.example")
            #expect(try await eventually { try await status(server, second, tenant)?.status == .failed })
            try await Task.sleep(for: .seconds(1))
            #expect(await mailgun.posts == 3, "a 400 is not retried")
            #expect(try await status(server, second, tenant)?.attempts == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func aSendWhoseAnswerWasLostIsNotSentTwice(_ backend: TestBackend) async throws {
        // The client's timeout also bounds the lookup of Mailgun's events, which a machine busy
        // with the rest of the suite can answer slowly: 1.5 s, with the send answered after 6 s.
        try await withMailgun(backend, timeout: 1.5) { server, mailgun in
            // Mailgun takes the message but answers after the sender gave up.
            await mailgun.script([.acceptSlowly(.seconds(6))])
            let (id, tenant) = try await queueEmail(server)
            #expect(try await eventually(timeout: .seconds(60)) { try await status(server, id, tenant)?.status == .sent })
            #expect(await mailgun.posts == 1, "looked up in Mailgun's events, not sent again")
            #expect(await mailgun.messages.count == 1)

            // A worker that died after marking the send: nothing reached Mailgun, so it is sent.
            let store = FluentEmailOutbox(database: server.app.db(.parley))
            let lost = try #require(try await store.queue(OutgoingEmail(tenantID: tenant, kind: "test", to: "x@demo.example", subject: "s", text: "t"),
                                                          status: .queued))
            #expect(try await store.beginAttempt(tenant: tenant, id: lost, providerMessageID: "\(lost)@\(Self.domain)"))
            // This send is answered at once: a client that waits longer than the first one, so
            // that a machine busy with other tests cannot make it give up too.
            var settings = try #require(server.services.mailgun).settings
            settings.timeout = .seconds(10)
            let client = MailgunClient(settings: settings, client: server.app.http.client.shared)
            try? await EmailDelivery(store: store, mailgun: client, eventLag: .zero)
                .deliver(lost, tenant: tenant, attempt: 2, maxAttempts: 3, logger: server.app.logger)
            #expect(try await status(server, lost, tenant)?.status == .sent)
            #expect(await mailgun.posts == 2)
        }
    }

    @Test(arguments: TestBackend.available)
    func withoutASigningKeyTheWebhookIsNotServed(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend) { server in
            let reply = try await server.send(.POST, "/webhooks/mailgun", body: Data("{}".utf8))
            #expect(reply.status == 404)
        }
    }
}
