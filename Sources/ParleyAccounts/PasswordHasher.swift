import _CryptoExtras
import Crypto
import Dispatch
import Foundation
import ParleyCore

/// Hashes and checks admin passwords with scrypt (RFC 7914): salted, slow and memory-hard, so
/// a stolen table costs an attacker dearly per guess. The work runs on Dispatch's global
/// queues, never on an event loop or the concurrency pool, and at most `maxConcurrent` at once
/// (each takes 128 * r * N bytes: 32 MiB with the defaults), so a flood of sign-ins cannot
/// exhaust memory. The stored form carries its parameters, so they can be raised later
/// without breaking old hashes: `scrypt$<log2 N>$<r>$<p>$<salt>$<key>` (base64url).
public struct PasswordHasher: Sendable {
    public struct Parameters: Sendable, Equatable {
        public var log2N: Int
        public var blockSize: Int
        public var parallelism: Int

        public init(log2N: Int, blockSize: Int, parallelism: Int) {
            self.log2N = log2N
            self.blockSize = blockSize
            self.parallelism = parallelism
        }

        /// N = 2^15, r = 8, p = 1: OWASP's scrypt recommendation.
        public static let standard = Parameters(log2N: 15, blockSize: 8, parallelism: 1)
        /// For tests only: the same algorithm, quick.
        public static let fastForTests = Parameters(log2N: 10, blockSize: 8, parallelism: 1)
    }

    /// Longest password accepted, in bytes: hashing has a cost, and no one types more.
    public static let maxPasswordBytes = 1024

    public let parameters: Parameters
    private let gate: HashingGate

    public init(parameters: Parameters = .standard, maxConcurrent: Int = 2) {
        self.parameters = parameters
        gate = HashingGate(limit: max(1, maxConcurrent))
    }

    public func hash(_ password: String) async throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = UInt8.random(in: .min ... .max, using: &generator) }
        let key = try await derive(password, salt: salt, parameters: parameters)
        return ["scrypt", "\(parameters.log2N)", "\(parameters.blockSize)", "\(parameters.parallelism)",
                Data(salt).base64URLEncoded(), Data(key).base64URLEncoded()].joined(separator: "$")
    }

    /// Whether `password` matches `stored`; false for a malformed stored hash.
    public func verify(_ password: String, against stored: String) async throws -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let log2N = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]),
              (10 ... 20).contains(log2N), (1 ... 32).contains(r), (1 ... 16).contains(p),
              let salt = Data(base64URLEncoded: parts[4]), let expected = Data(base64URLEncoded: parts[5]), expected.count == 32
        else { return false }
        let key = try await derive(password, salt: Array(salt), parameters: Parameters(log2N: log2N, blockSize: r, parallelism: p))
        return ConstantTime.equal(key, expected)
    }

    private func derive(_ password: String, salt: [UInt8], parameters: Parameters) async throws -> [UInt8] {
        let bytes = Array(password.utf8)
        guard bytes.count <= Self.maxPasswordBytes else {
            throw ParleyError.badRequest("password_too_long", "A password can be at most \(Self.maxPasswordBytes) bytes.")
        }
        return try await gate.run {
            try await DispatchQueue.global(qos: .userInitiated).perform {
                let key = try KDF.Scrypt.deriveKey(from: bytes, salt: salt, outputByteCount: 32, rounds: 1 << parameters.log2N,
                                                   blockSize: parameters.blockSize, parallelism: parameters.parallelism)
                return key.withUnsafeBytes { Array($0) }
            }
        }
    }
}

/// Lets at most `limit` hashes run at once; the rest wait in arrival order.
actor HashingGate {
    private let limit: Int
    private var running = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = limit }

    func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        if running < limit {
            running += 1
        } else {
            await withCheckedContinuation { waiters.append($0) }
        }
        defer { release() }
        return try await work()
    }

    private func release() {
        if waiters.isEmpty { running -= 1 } else { waiters.removeFirst().resume() }
    }
}
