extension Bool {
    /// A yes/no word as people write it in settings and environment variables:
    /// true, yes, on, 1 or false, no, off, 0 (any case); nil for anything else.
    public init?(settingWord word: String) {
        switch word.lowercased() {
        case "1", "true", "yes", "on": self = true
        case "0", "false", "no", "off": self = false
        default: return nil
        }
    }
}
