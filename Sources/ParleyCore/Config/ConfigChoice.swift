/// A configuration key with a fixed set of values (`retrieval.mode`, `app.mode`, …). Decoding
/// an unknown value fails with a message that lists the allowed ones, so a typo in parley.yaml
/// or the environment names the fix.
public protocol ConfigChoice: RawRepresentable, CaseIterable, Decodable where RawValue == String {}

extension ConfigChoice {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let value = Self(rawValue: raw) else {
            let allowed = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "'\(raw)' is not one of: \(allowed)"))
        }
        self = value
    }
}
