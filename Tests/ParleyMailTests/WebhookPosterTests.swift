import Foundation
import ParleyCore
import ParleyMail
import Testing

/// The webhook poster's bounds: scheme, credentials, and addresses that are not public, both
/// when an endpoint is registered and when a name resolves at delivery time.
@Suite("Webhook poster")
struct WebhookPosterTests {
    struct Resolver: HostResolver {
        var answers: [String: [String]]
        func addresses(of host: String) async throws -> [NetworkAddress] {
            (answers[host] ?? []).compactMap { NetworkAddress(literal: $0) }
        }
    }

    static func poster(allowHTTP: Bool = false, private allowPrivate: Bool = false, answers: [String: [String]] = [:]) -> WebhookPoster {
        WebhookPoster(settings: .init(timeout: .seconds(2), allowHTTP: allowHTTP, policy: FetchAddressPolicy(allowPrivateNetworks: allowPrivate)),
                      resolver: Resolver(answers: answers))
    }

    @Test func registrationRefusesWhatCouldReachThePrivateNetwork() {
        let poster = Self.poster()
        #expect(throws: Never.self) { try poster.check("https://crm.example.com/hooks/parley") }
        for (url, code) in [("http://crm.example.com/", "invalid_url"), ("ftp://crm.example.com/", "invalid_url"), ("crm.example.com", "invalid_url"),
                            ("https://user:secret@crm.example.com/", "invalid_url"), ("https://127.0.0.1/", "address_not_allowed"),
                            ("https://[::1]/", "address_not_allowed"), ("https://10.1.2.3/", "address_not_allowed"),
                            ("https://169.254.169.254/latest/meta-data", "address_not_allowed"), ("https://localhost/", "address_not_allowed"),
                            ("https://crm.internal/", "address_not_allowed"), ("https://example.com/" + String(repeating: "a", count: 2000), "invalid_url")] {
            #expect(throws: ParleyError.self, "\(url)") { try poster.check(url) }
            do { _ = try poster.check(url) } catch let error as ParleyError { #expect(error.code == code, "\(url)") } catch {}
        }
        #expect(throws: Never.self) { try Self.poster(allowHTTP: true, private: true).check("http://127.0.0.1:9/") }
    }

    @Test func aNameThatResolvesToAPrivateAddressIsRefusedAtDelivery() async {
        let poster = Self.poster(answers: ["crm.example.com": ["93.184.216.34", "10.0.0.5"], "metadata.example.com": ["169.254.169.254"]])
        #expect(await poster.post("{}", to: "https://crm.example.com/", headers: []) == .refused("crm.example.com resolves to a non-public address"))
        #expect(await poster.post("{}", to: "https://metadata.example.com/", headers: []) == .refused("metadata.example.com resolves to a non-public address"))
        #expect(await poster.post("{}", to: "https://unknown.example.com/", headers: []) == .unanswered("unknown.example.com could not be resolved"))
        #expect(await poster.post("{}", to: "https://127.0.0.1/", headers: []) == .refused("the endpoint's URL is not allowed"))
    }

    @Test func theSignatureIsAnHMACOverTimestampAndBody() {
        let header = WebhookSignature.header(secret: "whsec_test", timestamp: 1_700_000_000, body: "{\"a\":1}")
        #expect(header.hasPrefix("t=1700000000,v1=") && header.count == "t=1700000000,v1=".count + 64)
        #expect(WebhookSignature.hex(secret: "whsec_test", timestamp: 1_700_000_000, body: "{\"a\":2}") != String(header.suffix(64)))
        #expect(WebhookSignature.hex(secret: "other", timestamp: 1_700_000_000, body: "{\"a\":1}") != String(header.suffix(64)))
    }

    @Test func sealedSecretsOpenOnlyUnderTheSameServerSecret() throws {
        let box = SecretBox(serverSecret: "server-secret-0123456789", purpose: "webhook-secrets")
        let sealed = try box.seal("whsec_abc")
        #expect(!sealed.contains("whsec_abc") && box.open(sealed) == "whsec_abc")
        #expect(SecretBox(serverSecret: "another-secret-0123456789", purpose: "webhook-secrets").open(sealed) == nil)
        #expect(SecretBox(serverSecret: "server-secret-0123456789", purpose: "other").open(sealed) == nil)
        #expect(box.open("not base64 !") == nil)
    }
}
