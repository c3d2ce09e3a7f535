extension String {
    /// The text without leading and trailing white space and line breaks: what Foundation's
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` gives, by looking at the ends only.
    /// Foundation's copies the whole text first, and a chat turn trims its persona's prompt and
    /// the visitor's message: together 1% of the server's samples at 64 visitors.
    public func trimmingWhitespaceAndNewlines() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isTrimmedWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.isTrimmedWhitespace }) ?? first
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return self }
        return String(scalars[first ... last])
    }
}

extension Unicode.Scalar {
    /// Foundation's `.whitespacesAndNewlines` on Linux: Unicode's White_Space property and the
    /// zero-width space (U+200B, white space in the older Unicode its tables follow). A test
    /// compares every scalar.
    public var isTrimmedWhitespace: Bool {
        properties.isWhitespace || value == 0x200B
    }
}
