import Foundation
import ParleyAccounts
import ParleyCore
import ParleyTestSupport
import Synchronization
import Testing

@Suite("Admin accounts")
struct AccountDirectoryTests {
    final class TestClock: Sendable {
        let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        func advance(_ seconds: TimeInterval) { now.withLock { $0 = $0.addingTimeInterval(seconds) } }
        var read: @Sendable () -> Date { { self.now.withLock { $0 } } }
    }

    let store = InMemoryAccountStore()
    let clock = TestClock()

    func directory(throttle: LoginThrottle = LoginThrottle()) -> AccountDirectory {
        AccountDirectory(store: store, hasher: PasswordHasher(parameters: .fastForTests), throttle: throttle, clock: clock.read)
    }

    @Test func passwordsAreSaltedScryptHashesThatVerify() async throws {
        let hasher = PasswordHasher(parameters: .fastForTests)
        let first = try await hasher.hash("correct horse battery")
        let second = try await hasher.hash("correct horse battery")
        #expect(first.hasPrefix("scrypt$10$8$1$") && first != second, "salted: the same password hashes differently")
        #expect(!first.contains("correct"))
        #expect(try await hasher.verify("correct horse battery", against: first))
        #expect(try await !hasher.verify("correct horse batterY", against: first))
        #expect(try await !hasher.verify("correct horse battery", against: "scrypt$10$8$1$bad"))
        #expect(try await !hasher.verify("x", against: "plain-text-password"))
        // Parameters travel with the hash: a standard hasher checks a fast-parameter hash.
        #expect(try await PasswordHasher(parameters: .standard).verify("correct horse battery", against: first))
        await #expect(throws: ParleyError.self) { try await hasher.hash(String(repeating: "p", count: 2000)) }
    }

    @Test func createRefusesBadAddressesWeakPasswordsAndDuplicates() async throws {
        let accounts = directory()
        let owner = try await accounts.create(email: " Owner@Example.COM ", displayName: "Olive Owner", password: "a long enough secret",
                                              membership: (TenantID(), .owner))
        #expect(owner.email == "owner@example.com")
        for (email, password, code) in [("not-an-address", "a long enough secret", "invalid_email"),
                                        ("a@b", "a long enough secret", "invalid_email"),
                                        ("x@example.com", "short", "weak_password"),
                                        ("x@example.com", "aaaaaaaaaaaaaaaa", "weak_password"),
                                        ("owner@example.com", "another long secret", "email_taken")] {
            do {
                _ = try await accounts.create(email: email, displayName: "X", password: password)
                Issue.record("\(email) / \(password.count) characters should be refused")
            } catch let error as ParleyError {
                #expect(error.code == code)
                #expect(!error.message.contains(password), "a password is never echoed")
            }
        }
        #expect(try await store.countUsers() == 1)
    }

    @Test func signInNeverSaysWhichAddressesExist() async throws {
        let accounts = directory()
        let user = try await accounts.create(email: "op@example.com", displayName: "Op", password: "operator password 1")
        #expect(try await accounts.signIn(email: "OP@example.com", password: "operator password 1", clientAddress: "10.0.0.1").id == user.id)
        var codes: [String] = []
        for (email, password) in [("op@example.com", "wrong password 12"), ("nobody@example.com", "operator password 1"), ("garbage", "x")] {
            do {
                _ = try await accounts.signIn(email: email, password: password, clientAddress: "10.0.0.1")
            } catch let error as ParleyError {
                codes.append(error.code + ":" + error.message)
            }
        }
        #expect(Set(codes).count == 1, "one answer for a wrong password, an unknown address and garbage: \(codes)")
        await store.deactivate(user.id)
        await #expect(throws: ParleyError.self) {
            try await accounts.signIn(email: "op@example.com", password: "operator password 1", clientAddress: "10.0.0.1")
        }
    }

    @Test func fiveFailuresLockTheAccountForFifteenMinutes() async throws {
        let accounts = directory()
        _ = try await accounts.create(email: "victim@example.com", displayName: "V", password: "the real password")
        for attempt in 0 ..< 5 {
            await #expect(throws: ParleyError.self) {
                try await accounts.signIn(email: "victim@example.com", password: "guess \(attempt) wrong", clientAddress: "198.51.100.\(attempt)")
            }
        }
        // Locked: even the right password is refused, with the wait.
        do {
            _ = try await accounts.signIn(email: "victim@example.com", password: "the real password", clientAddress: "203.0.113.9")
            Issue.record("a locked account signed in")
        } catch let error as ParleyError {
            #expect(error.code == "too_many_attempts" && error.kind == .rateLimited)
            #expect((800 ... 900).contains(error.retryAfterSeconds ?? 0))
        }
        clock.advance(901)
        #expect(try await accounts.signIn(email: "victim@example.com", password: "the real password", clientAddress: "203.0.113.9").email == "victim@example.com")
    }

    @Test func oneAddressGuessingAtManyAccountsIsThrottled() async throws {
        let accounts = directory(throttle: LoginThrottle(limit: 3, window: .seconds(600)))
        _ = try await accounts.create(email: "a@example.com", displayName: "A", password: "password of a 123")
        for index in 0 ..< 3 {
            await #expect(throws: ParleyError.self) {
                try await accounts.signIn(email: "user\(index)@example.com", password: "whatever guess", clientAddress: "192.0.2.50")
            }
        }
        do {
            _ = try await accounts.signIn(email: "a@example.com", password: "password of a 123", clientAddress: "192.0.2.50")
            Issue.record("the throttled address signed in")
        } catch let error as ParleyError {
            #expect(error.code == "too_many_attempts")
        }
        #expect(try await accounts.signIn(email: "a@example.com", password: "password of a 123", clientAddress: "192.0.2.51").email == "a@example.com")
    }

    @Test func changingThePasswordNeedsTheCurrentOne() async throws {
        let accounts = directory()
        let user = try await accounts.create(email: "c@example.com", displayName: "C", password: "first password 1")
        await #expect(throws: ParleyError.self) { try await accounts.changePassword(of: user.id, current: "not it at all", new: "second password 2") }
        await #expect(throws: ParleyError.self) { try await accounts.changePassword(of: user.id, current: "first password 1", new: "short") }
        clock.advance(60)
        try await accounts.changePassword(of: user.id, current: "first password 1", new: "second password 2")
        let changed = try #require(try await accounts.user(user.id))
        #expect(changed.passwordChangedAt > user.passwordChangedAt)
        #expect(try await accounts.signIn(email: "c@example.com", password: "second password 2", clientAddress: "x").id == user.id)
        await #expect(throws: ParleyError.self) { try await accounts.signIn(email: "c@example.com", password: "first password 1", clientAddress: "x") }
    }

    @Test func rolesOrderAndGrants() async throws {
        #expect(AdminRole.owner.includes(.operator) && AdminRole.operator.includes(.viewer) && !AdminRole.viewer.includes(.operator))
        let accounts = directory()
        let user = try await accounts.create(email: "r@example.com", displayName: "R", password: "roles password 1")
        let tenant = TenantID()
        try await accounts.grant(.viewer, to: user.id, in: tenant)
        try await accounts.grant(.operator, to: user.id, in: tenant)
        #expect(try await accounts.memberships(of: user.id) == [TenantMembership(userID: user.id, tenantID: tenant, role: .operator)])
        await #expect(throws: ParleyError.self) { try await accounts.grant(.owner, to: AdminUserID(), in: tenant) }
    }
}
