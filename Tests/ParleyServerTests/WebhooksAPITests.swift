import Crypto
import Fluent
import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing
import Vapor

/// CRM webhooks: an owner registers an endpoint; the lead form's lead and its summary reach it
/// signed, a 500 is retried, every delivery is logged; other tenants' people and endpoints see
/// nothing; bad endpoints are refused.
@Suite("CRM webhooks")
struct WebhooksAPITests {
    /// A CRM on loopback that records what it receives and answers the scripted statuses first.
    actor CRM {
        var received: [(headers: HTTPHeaders, body: String)] = []
        var script: [Int] = []
        func take(_ headers: HTTPHeaders, _ body: String) -> Int {
            received.append((headers, body))
            return script.isEmpty ? 200 : script.removeFirst()
        }
        func fail(_ statuses: [Int]) { script += statuses }
    }

    func withCRM(_ backend: TestBackend, _ body: (ParleyTestServer, CRM, String) async throws -> Void) async throws {
        let crm = CRM()
        let receiver = try await LoopbackServer.start { app in
            app.on(.POST, ":path", body: .collect(maxSize: "1mb")) { request async -> Response in
                let status = await crm.take(request.headers, request.body.string ?? "")
                return Response(status: HTTPResponseStatus(statusCode: status))
            }
        }
        do {
            try await ParleyTestServer.with(backend, adjust: { config in
                config.webhooks.allowHTTP = true
                config.webhooks.allowPrivateNetworks = true
                config.jobs.retryBaseSeconds = 0.2
            }) { server in try await body(server, crm, "http://127.0.0.1:\(receiver.port)") }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }

    @Test(arguments: TestBackend.available)
    func aLeadReachesTheCRMSignedRetriedAndLogged(_ backend: TestBackend) async throws {
        try await withCRM(backend) { server, crm, base in
            let provisioner = server.services.provisioner(server.stores)
            let demo = try await provisioner.tenant(slug: "demo")
            let other = try await provisioner.createTenant(name: "Other", slug: "other").tenant
            let people = AdminTestPeople(server: server)
            let owner = [("Authorization", "Bearer \(try await people.token("owner@demo.example", demo.id, .owner).token)")]
            let stranger = [("Authorization", "Bearer \(try await people.token("owner@other.example", other.id, .owner).token)")]
            let viewer = [("Authorization", "Bearer \(try await people.token("viewer@demo.example", demo.id, .viewer).token)")]
            func body(_ json: JSONValue) -> Data { Data(json.jsonString.utf8) }

            let created = try await server.send(.POST, "/api/v1/admin/tenants/demo/webhooks", headers: owner,
                                                body: body(["url": .string(base + "/demo-crm"), "events": ["lead.created", "lead.updated", "summary.created"]]))
            #expect(created.status == 201, "\(created.json)")
            let secret = try #require(created.json["secret"]?.stringValue)
            let webhookID = try #require(created.json["webhook"]?["id"]?.stringValue)
            #expect(secret.hasPrefix("whsec_") && secret.count > 40)
            let otherHook = try await server.send(.POST, "/api/v1/admin/tenants/other/webhooks", headers: stranger, body: body(["url": .string(base + "/other-crm")]))
            #expect(otherHook.status == 201)
            // The secret is never shown again, nor stored in clear.
            let listed = try await server.send(.GET, "/api/v1/admin/tenants/demo/webhooks", headers: owner)
            #expect(listed.json["webhooks"]?.arrayValue?.count == 1 && !listed.body.contains(Data(secret.utf8)))
            #expect(try await server.send(.GET, "/api/v1/admin/tenants/demo/webhooks", headers: viewer).status == 403)
            #expect(try await server.send(.GET, "/api/v1/admin/tenants/demo/webhooks", headers: stranger).status == 404)
            #expect(try await server.send(.DELETE, "/api/v1/admin/tenants/other/webhooks/\(webhookID)", headers: stranger).status == 404)

            await crm.fail([500])
            let turn = try await server.chatTurn("Hello, could someone call me back?")
            let form: JSONValue = ["session_key": .string(turn.sessionKey), "name": "Rita Moreno", "email": "rita@example.com", "consent": true]
            #expect(try await server.send(.POST, "/a/sales/lead", body: body(form)).status == 201)

            // lead.created (the form makes the lead), then summary.created; the first try got a 500.
            #expect(try await eventually(timeout: .seconds(30)) {
                let events = await crm.received.compactMap { $0.headers.first(name: "Parley-Event") }
                return events.filter { $0 == "lead.created" }.count == 2 && events.contains("summary.created")
            })
            let received = await crm.received
            for (headers, text) in received {
                let signature = try #require(headers.first(name: "Parley-Signature"))
                let parts = Dictionary(uniqueKeysWithValues: signature.split(separator: ",").map { part -> (String, String) in
                    let pair = part.split(separator: "=", maxSplits: 1)
                    return (String(pair[0]), String(pair[1]))
                })
                let timestamp = try #require(parts["t"].flatMap(Int.init))
                let expected = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(text)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
                    .map { String(format: "%02x", $0) }.joined()
                #expect(parts["v1"] == expected, "signed over timestamp and body")
                #expect(abs(timestamp - Int(Date().timeIntervalSince1970)) < 120)
                let json = try #require(JSONValue.parse(Data(text.utf8)))
                #expect(json["event"]?.stringValue == headers.first(name: "Parley-Event") && json["id"]?.stringValue == headers.first(name: "Parley-Delivery"))
            }
            let lead = try #require(received.last(where: { $0.headers.first(name: "Parley-Event") == "lead.created" }).flatMap { JSONValue.parse(Data($0.body.utf8)) })
            #expect(lead["data"]?["lead"]?["email"]?["value"]?.stringValue == "rita@example.com")
            #expect(lead["data"]?["lead"]?["email"]?["confirmed"]?.boolValue == true)
            let summary = try #require(received.first(where: { $0.headers.first(name: "Parley-Event") == "summary.created" }).flatMap { JSONValue.parse(Data($0.body.utf8)) })
            #expect(summary["data"]?["summary"]?["trigger"]?.stringValue == "lead_form")
            #expect(received.allSatisfy { !$0.body.contains("other") || !$0.body.contains("other-crm") })

            // The log: the retried delivery shows two attempts. The worker records a delivery after
            // the CRM has answered, so the log may lag what the CRM received by a moment.
            var deliveries: [JSONValue] = []
            let logged = try await eventually {
                let log = try await server.send(.GET, "/api/v1/admin/tenants/demo/webhooks/\(webhookID)/deliveries", headers: owner)
                deliveries = log.json["deliveries"]?.arrayValue ?? []
                return deliveries.count >= 2 && deliveries.allSatisfy { $0["status"]?.stringValue == "delivered" }
            }
            #expect(logged, "\(deliveries)")
            #expect(deliveries.contains { $0["attempts"]?.doubleValue == 2 && $0["response_status"]?.doubleValue == 200 })
            // Nothing of demo's went to other's CRM, whose tenant had no lead.
            #expect(try await FluentWebhookStore(database: server.app.db(.parley)).deliveries(
                tenant: other.id, endpoint: WebhookID(string: otherHook.json["webhook"]!["id"]!.stringValue!)!, limit: 10).isEmpty)

            // Deleting the endpoint stops the events and removes its log.
            #expect(try await server.send(.DELETE, "/api/v1/admin/tenants/demo/webhooks/\(webhookID)", headers: owner).status == 204)
            #expect(try await server.send(.GET, "/api/v1/admin/tenants/demo/webhooks/\(webhookID)/deliveries", headers: owner).status == 404)
        }
    }

    @Test(arguments: TestBackend.available)
    func badEndpointsAreRefused(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend) { server in
            let demo = try await server.services.provisioner(server.stores).tenant(slug: "demo")
            let owner = [("Authorization", "Bearer \(try await AdminTestPeople(server: server).token("owner@demo.example", demo.id, .owner).token)")]
            func create(_ text: String, type: String = "application/json") async throws -> ParleyTestServer.Reply {
                try await server.send(.POST, "/api/v1/admin/tenants/demo/webhooks", headers: owner, body: Data(text.utf8), contentType: type)
            }
            for (json, code) in [(#"{"url": "http://crm.example.com/"}"#, "invalid_url"), (#"{"url": "https://127.0.0.1/"}"#, "address_not_allowed"),
                                 (#"{"url": "https://localhost:8080/"}"#, "address_not_allowed"), (#"{"url": "https://a:b@crm.example.com/"}"#, "invalid_url"),
                                 (#"{"url": "not a url"}"#, "invalid_url"), (#"{"url": "https://crm.example.com/", "events": ["lead.deleted"]}"#, "invalid_event"),
                                 (#"{"events": []}"#, "invalid_json"), (#"{"url": 5}"#, "invalid_json"), ("{", "invalid_json")] {
                #expect(try await create(json).errorCode == code, "\(json)")
            }
            #expect(try await create("url=https://crm.example.com", type: "application/x-www-form-urlencoded").status == 415)
            #expect(try await create(#"{"url": "https://crm.example.com/\#(String(repeating: "a", count: 5000))"}"#).status == 413)
            #expect(try await server.rowCount("webhook_endpoints") == 0)
            for index in 0 ..< 10 { #expect(try await create(#"{"url": "https://crm\#(index).example.com/"}"#).status == 201) }
            #expect(try await create(#"{"url": "https://crm11.example.com/"}"#).errorCode == "too_many_webhooks")
            #expect(try await server.send(.DELETE, "/api/v1/admin/tenants/demo/webhooks/\(UUID())", headers: owner).status == 404)
            #expect(try await server.send(.GET, "/api/v1/admin/tenants/demo/webhooks/nope/deliveries", headers: owner).status == 404)
            let first = try #require(try await server.send(.GET, "/api/v1/admin/tenants/demo/webhooks", headers: owner).json["webhooks"]?.arrayValue?.first?["id"]?.stringValue)
            #expect(try await server.send(.GET, "/api/v1/admin/tenants/demo/webhooks/\(first)/deliveries?limit=0", headers: owner).errorCode == "invalid_limit")
            #expect(try await server.send(.GET, "/api/v1/admin/tenants/demo/webhooks").status == 401)
        }
    }
}
