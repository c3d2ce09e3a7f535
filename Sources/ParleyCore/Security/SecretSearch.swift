import Foundation

/// Whether a text holds a known secret, answered from the bytes where that is the answer
/// Foundation's `contains` gives, because Foundation's search is slow: with one configured secret
/// (a PostgreSQL server's `DATABASE_URL`) it was most of the log redactor's time.
///
/// Foundation compares by canonical equivalence (a `K` matches a Kelvin sign), so bytes answer
/// only for a secret of printable ASCII in a text of ASCII, where equivalence is equality; any
/// other pair is asked of Foundation. The byte search is Knuth–Morris–Pratt: linear in the text
/// whatever it holds, as the redactor's every pass must be.
struct SecretSearch: Sendable {
    let secret: String
    private let bytes: [UInt8]
    /// For each prefix of the secret, the length of its longest proper prefix that is also its suffix.
    private let fallback: [Int]
    private let printableASCII: Bool

    init(_ secret: String) {
        self.secret = secret
        bytes = Array(secret.utf8)
        printableASCII = bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        var fallback = [Int](repeating: 0, count: bytes.count)
        var matched = 0
        for index in bytes.indices.dropFirst() {
            while matched > 0 && bytes[index] != bytes[matched] { matched = fallback[matched - 1] }
            if bytes[index] == bytes[matched] { matched += 1 }
            fallback[index] = matched
        }
        self.fallback = fallback
    }

    func isFound(in text: String) -> Bool {
        guard printableASCII, !bytes.isEmpty, text.utf8.allSatisfy({ $0 < 0x80 }) else { return text.contains(secret) }
        var matched = 0
        for byte in text.utf8 {
            while matched > 0 && byte != bytes[matched] { matched = fallback[matched - 1] }
            if byte == bytes[matched] {
                matched += 1
                if matched == bytes.count { return true }
            }
        }
        return false
    }
}
