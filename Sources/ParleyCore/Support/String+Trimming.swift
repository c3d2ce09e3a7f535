extension String {
    /// The text without leading and trailing white space and line breaks: what Foundation's
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` gives, by looking at the ends only.
    /// Foundation's copies the whole text first, and a chat turn trims its persona's prompt and
    /// the visitor's message: together 1% of the server's samples at 64 visitors.
    public func trimmingWhitespaceAndNewlines() -> String {
        trimmingScalars(where: \.isTrimmedWhitespace)
    }

    /// The text without leading and trailing punctuation, white space and line breaks: Foundation's
    /// `trimmingCharacters(in: .punctuationCharacters.union(.whitespacesAndNewlines))`, ends only.
    public func trimmingPunctuationAndWhitespace() -> String {
        trimmingScalars { $0.isTrimmedWhitespace || $0.isTrimmedPunctuation }
    }

    /// The text without the scalars at either end for which `isTrimmed` holds (as Foundation
    /// trims a character set: scalar by scalar, so a combining mark left at an end stays).
    public func trimmingScalars(where isTrimmed: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isTrimmed($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isTrimmed($0) }) ?? first
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

    /// Foundation's `.punctuationCharacters`: Unicode's punctuation categories (P*), also for the
    /// few marks Unicode added after the version Foundation's tables follow. A test compares
    /// every scalar.
    public var isTrimmedPunctuation: Bool {
        switch properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: true
        default: false
        }
    }
}
