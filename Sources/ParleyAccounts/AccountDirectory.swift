import Foundation
import Logging
import ParleyCore

/// Admin accounts: creating people, signing them in, changing passwords, and their roles per
/// tenant. Sign-in answers the same `invalid_credentials` for an unknown address, a wrong
/// password and a deactivated account, after the same amount of work, so it never tells
/// which addresses have accounts. Five failures in a row lock an account for fifteen minutes
/// (in the database, so every process honours it); `LoginThrottle` limits each client address.
public struct AccountDirectory: Sendable {
    public static let failuresBeforeLock = 5
    public static let lockDuration: TimeInterval = 900

    private let store: any AccountStore
    private let hasher: PasswordHasher
    private let throttle: LoginThrottle
    private let clock: @Sendable () -> Date
    private let logger: Logger

    public init(store: any AccountStore, hasher: PasswordHasher, throttle: LoginThrottle,
                clock: @escaping @Sendable () -> Date = Date.init, logger: Logger = Logger(label: "parley.accounts")) {
        self.store = store
        self.hasher = hasher
        self.throttle = throttle
        self.clock = clock
        self.logger = logger
    }

    /// Creates an account, optionally with a role in one tenant. `conflict` if the address is taken.
    public func create(email rawEmail: String, displayName: String, password: String, platformAdmin: Bool = false,
                       membership: (tenant: TenantID, role: AdminRole)? = nil) async throws -> AdminUser {
        let email = try Credentials.email(rawEmail)
        try Credentials.checkPassword(password, email: email)
        let name = displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1 ... 100).contains(name.count), !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ParleyError.badRequest("invalid_name", "A display name is 1 to 100 characters of text.")
        }
        if try await store.user(email: email) != nil {
            throw ParleyError(code: "email_taken", message: "An account with this e-mail address exists.", kind: .conflict)
        }
        let now = clock()
        let user = AdminUser(email: email, displayName: name, isPlatformAdmin: platformAdmin,
                             passwordHash: try await hasher.hash(password), createdAt: now, passwordChangedAt: now)
        try await store.create(user)
        if let membership { try await store.setMembership(TenantMembership(userID: user.id, tenantID: membership.tenant, role: membership.role)) }
        logger.notice("admin account created", metadata: ["event": "admin_created", "admin_id": "\(user.id)", "platform_admin": "\(platformAdmin)"])
        return user
    }

    /// The account whose address and password these are, or `invalid_credentials` /
    /// `too_many_attempts` (with the seconds to wait).
    public func signIn(email rawEmail: String, password: String, clientAddress: String) async throws -> AdminUser {
        if let wait = await throttle.wait(for: clientAddress, now: clock()) { throw Self.tooManyAttempts(wait) }
        let now = clock()
        let email = (try? Credentials.email(rawEmail)) ?? ""
        let user = email.isEmpty ? nil : try await store.user(email: email)
        if let user, let lockedUntil = user.lockedUntil, lockedUntil > now {
            throw Self.tooManyAttempts(Int(lockedUntil.timeIntervalSince(now).rounded(.up)))
        }
        // An unknown address costs the same hash as a wrong password.
        let matches = try await hasher.verify(String(password.prefix(PasswordHasher.maxPasswordBytes)),
                                              against: user?.passwordHash ?? decoyHash)
        guard let user, matches, user.isActive else {
            await throttle.recordFailure(from: clientAddress, now: now)
            if let user {
                let failures = user.failedLogins + 1
                let lock = failures >= Self.failuresBeforeLock ? now.addingTimeInterval(Self.lockDuration) : nil
                try await store.recordLogin(user.id, failedLogins: lock == nil ? failures : 0, lockedUntil: lock)
                if lock != nil { logger.warning("admin account locked after failed sign-ins", metadata: ["event": "admin_locked", "admin_id": "\(user.id)"]) }
            }
            throw ParleyError(code: "invalid_credentials", message: "The e-mail address or password is not right.", kind: .unauthenticated)
        }
        await throttle.recordSuccess(from: clientAddress)
        if user.failedLogins > 0 || user.lockedUntil != nil { try await store.recordLogin(user.id, failedLogins: 0, lockedUntil: nil) }
        return user
    }

    /// Changes the password after checking the current one; sessions issued before stop working
    /// (they carry the time of the password they were issued under).
    public func changePassword(of id: AdminUserID, current: String, new: String) async throws {
        guard let user = try await store.user(id: id), user.isActive else { throw ParleyError.unauthorized("Sign in again.") }
        guard try await hasher.verify(String(current.prefix(PasswordHasher.maxPasswordBytes)), against: user.passwordHash) else {
            throw ParleyError(code: "invalid_credentials", message: "The current password is not right.", kind: .forbidden)
        }
        try Credentials.checkPassword(new, email: user.email)
        try await store.updatePassword(id, hash: try await hasher.hash(new), changedAt: clock())
        logger.notice("admin password changed", metadata: ["event": "admin_password_changed", "admin_id": "\(id)"])
    }

    /// Gives the user a role in the tenant (or changes it).
    public func grant(_ role: AdminRole, to id: AdminUserID, in tenant: TenantID) async throws {
        guard try await store.user(id: id) != nil else { throw ParleyError.notFound("unknown_admin", "There is no such account.") }
        try await store.setMembership(TenantMembership(userID: id, tenantID: tenant, role: role))
    }

    public func user(_ id: AdminUserID) async throws -> AdminUser? { try await store.user(id: id) }

    public func user(email: String) async throws -> AdminUser? {
        guard let email = try? Credentials.email(email) else { return nil }
        return try await store.user(email: email)
    }

    public func members(of tenant: TenantID) async throws -> [(user: AdminUser, role: AdminRole)] { try await store.members(of: tenant) }

    /// What adding a person to a tenant did.
    public struct Added: Sendable {
        public var user: AdminUser
        /// Whether the account was made now (false: an existing account got the role).
        public var created: Bool
        /// The made-up password of a new account, to be shown once.
        public var generatedPassword: String?
    }

    /// Gives `email` the role in the tenant: an existing account gets it; otherwise the account
    /// is created with `password`, or with a made-up one when `generatePassword` is set.
    public func add(email: String, role: AdminRole, to tenant: TenantID, displayName: String?, password: String?,
                    generatePassword: Bool) async throws -> Added {
        if let existing = try await user(email: email) {
            try await grant(role, to: existing.id, in: tenant)
            return Added(user: existing, created: false, generatedPassword: nil)
        }
        let generated = generatePassword ? KeyMaterial.randomKey(prefix: "", byteCount: 18) : nil
        guard let password = password.flatMap({ $0.isEmpty ? nil : $0 }) ?? generated else {
            throw ParleyError.badRequest("password_required", "A new account needs a password, or a made-up one.")
        }
        let address = (try? Credentials.email(email)) ?? email
        let name = displayName.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } ?? String(address.split(separator: "@").first ?? "")
        let user = try await create(email: address, displayName: name, password: password, membership: (tenant, role))
        return Added(user: user, created: true, generatedPassword: generated)
    }

    /// Takes a person's role in the tenant away. An owner cannot remove themselves, so a tenant
    /// is never left by its last owner by accident.
    public func revoke(_ id: AdminUserID, from tenant: TenantID, by actor: AdminUserID) async throws {
        guard id != actor else {
            throw ParleyError(code: "cannot_remove_self", message: "You cannot remove your own role; ask another owner.", kind: .conflict)
        }
        guard try await store.removeMembership(user: id, tenant: tenant) else {
            throw ParleyError.notFound("unknown_admin", "This tenant has no such person.")
        }
    }

    public func memberships(of id: AdminUserID) async throws -> [TenantMembership] { try await store.memberships(of: id) }

    /// Whether any admin account exists (a fresh install prints how to make the first).
    public func hasAccounts() async throws -> Bool { try await store.countUsers() > 0 }

    static func tooManyAttempts(_ seconds: Int) -> ParleyError {
        ParleyError(code: "too_many_attempts", message: "Too many failed sign-ins. Try again in \(max(1, seconds / 60)) minutes.",
                    kind: .rateLimited, retryAfterSeconds: max(1, seconds))
    }

    /// A well-formed hash (with this hasher's parameters) that no password matches, verified when
    /// the address is unknown.
    private var decoyHash: String {
        let p = hasher.parameters
        return "scrypt$\(p.log2N)$\(p.blockSize)$\(p.parallelism)$" + Data(repeating: 0x5A, count: 16).base64URLEncoded()
            + "$" + Data(repeating: 0xA5, count: 32).base64URLEncoded()
    }
}
