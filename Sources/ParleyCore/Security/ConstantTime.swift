/// Comparisons of secrets that take the same time whatever the first difference, so a caller
/// cannot find a secret byte by byte from how long a refusal takes.
public enum ConstantTime {
    /// Whether the byte sequences are equal; only their lengths may show in the time taken.
    public static func equal(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    public static func equal(_ a: String, _ b: String) -> Bool {
        equal(Array(a.utf8), Array(b.utf8))
    }
}
