import Foundation
import ParleyAccounts
import ParleyCore
import ParleyTestSupport
import Synchronization
import Testing

@Suite("Admin sessions")
struct AdminSessionsTests {
    let accounts = InMemoryAccountStore()
    let sessionStore = InMemoryAdminSessionStore()
    let clock = AccountDirectoryTests.TestClock()

    func sessions(secret: String = "server-secret-for-tests-0123") async -> AdminSessions {
        AdminSessions(tokens: await AdminSessionTokens(secret: secret), sessions: sessionStore, accounts: accounts,
                      lifetime: .seconds(3600), clock: clock.read)
    }

    func user() async throws -> AdminUser {
        let directory = AccountDirectory(store: accounts, hasher: PasswordHasher(parameters: .fastForTests), throttle: LoginThrottle(), clock: clock.read)
        return try await directory.create(email: "s@example.com", displayName: "S", password: "session password 1", membership: (TenantID(), .operator))
    }

    func expectRefused(_ token: String, by sessions: AdminSessions, sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            _ = try await sessions.principal(for: token)
            Issue.record("the token was accepted", sourceLocation: sourceLocation)
        } catch let error as ParleyError {
            #expect(error.code == "session_invalid" && error.kind == .unauthenticated, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func aTokenStandsForItsLiveSession() async throws {
        let sessions = await sessions()
        let user = try await user()
        let issued = try await sessions.open(for: user)
        let principal = try await sessions.principal(for: issued.token)
        #expect(principal.user.id == user.id && principal.csrfToken == issued.csrfToken && principal.session == issued.session)
        #expect(principal.memberships.map(\.role) == [.operator])
        #expect(!issued.token.contains("session password"))
    }

    @Test func forgedTamperedAndForeignTokensAreRefused() async throws {
        let sessions = await sessions()
        let issued = try await sessions.open(for: try await user())
        let parts = issued.token.split(separator: ".").map(String.init)
        // A payload changed under the old signature.
        let payload = Data(base64URLEncoded: parts[1])!
        var claims = try JSONSerialization.jsonObject(with: payload) as! [String: Any]
        claims["exp"] = (claims["exp"] as! Double) + 86_400 * 365
        let forgedPayload = try JSONSerialization.data(withJSONObject: claims).base64URLEncoded()
        await expectRefused([parts[0], forgedPayload, parts[2]].joined(separator: "."), by: sessions)
        // alg: none, with no signature.
        let none = Data(#"{"alg":"none","typ":"JWT"}"#.utf8).base64URLEncoded()
        await expectRefused([none, parts[1], ""].joined(separator: "."), by: sessions)
        await expectRefused([none, parts[1]].joined(separator: ".") + ".", by: sessions)
        // Signed with another server's secret.
        let foreign = await self.sessions(secret: "another-server-secret-456789")
        await expectRefused(issued.token, by: foreign)
        for garbage in ["", "a.b.c", String(repeating: "x", count: 10_000), "Bearer " + issued.token] {
            await expectRefused(garbage, by: sessions)
        }
    }

    @Test func expiryRevocationAndPasswordChangeEndASession() async throws {
        let sessions = await sessions()
        let user = try await user()
        let expiring = try await sessions.open(for: user)
        clock.advance(3601)
        await expectRefused(expiring.token, by: sessions)

        let signedOut = try await sessions.open(for: user)
        _ = try await sessions.principal(for: signedOut.token)
        try await sessions.close(signedOut.session)
        await expectRefused(signedOut.token, by: sessions)

        let beforeChange = try await sessions.open(for: user)
        clock.advance(5)
        let directory = AccountDirectory(store: accounts, hasher: PasswordHasher(parameters: .fastForTests), throttle: LoginThrottle(), clock: clock.read)
        try await directory.changePassword(of: user.id, current: "session password 1", new: "session password 2")
        await expectRefused(beforeChange.token, by: sessions)
        let changed = try #require(try await accounts.user(id: user.id))
        _ = try await sessions.principal(for: try await sessions.open(for: changed).token)
    }

    @Test func platformAdministratorsHoldEveryTenant() async throws {
        let sessions = await sessions()
        let directory = AccountDirectory(store: accounts, hasher: PasswordHasher(parameters: .fastForTests), throttle: LoginThrottle(), clock: clock.read)
        let root = try await directory.create(email: "root@example.com", displayName: "Root", password: "platform password", platformAdmin: true)
        let principal = try await sessions.principal(for: try await sessions.open(for: root).token)
        #expect(principal.role(in: TenantID()) == .owner)
        let member = try await sessions.principal(for: try await sessions.open(for: try await user()).token)
        #expect(member.role(in: TenantID()) == nil)
        #expect(member.role(in: member.memberships[0].tenantID) == .operator)
    }
}
