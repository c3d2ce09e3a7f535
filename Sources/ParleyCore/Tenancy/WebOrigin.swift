import Foundation

/// A web origin as browsers send it in `Origin`: `scheme://host[:port]`. Tenants list the
/// origins allowed to embed their chat; both sides are compared in this normal form.
public enum WebOrigin {
    /// Lower-cased, trimmed, without trailing slashes.
    public static func normalised(_ origin: String) -> String {
        var value = origin.trimmingCharacters(in: .whitespaces).lowercased()
        while value.hasSuffix("/") { value.removeLast() }
        return value
    }

    /// `http(s)://host[:port]` and nothing else: no path, query, fragment or credentials
    /// (so the literal "null" origin of sandboxed frames is never well-formed).
    public static func isWellFormed(_ origin: String) -> Bool {
        guard origin.count <= 255, let components = URLComponents(string: origin), let scheme = components.scheme,
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else { return false }
        return components.path.isEmpty && components.query == nil && components.fragment == nil
            && components.user == nil && components.password == nil
    }
}
