/// The Porter (1980) stemming algorithm, for English index terms ("connections" and
/// "connected" both become "connect"). Words of two letters or fewer are left alone;
/// words with characters outside a–z are returned unchanged.
///
/// Every chat turn stems the passages it scores, so the steps work on the word's bytes in place:
/// suffixes are compared without copies and the rule tables are ordered once.
public enum PorterStemmer {
    public static func stem(_ word: String) -> String {
        // All bytes a–z: the byte count is the letter count.
        guard word.utf8.count > 2, word.utf8.allSatisfy({ $0 >= 97 && $0 <= 122 }) else { return word }
        var w = Array(word.utf8)
        step1a(&w)
        step1b(&w)
        step1c(&w)
        step2(&w)
        step3(&w)
        step4(&w)
        step5(&w)
        return String(decoding: w, as: UTF8.self)
    }

    // MARK: - Letters and measure

    private static func isConsonant(_ w: [UInt8], _ i: Int) -> Bool {
        switch w[i] {
        case 97, 101, 105, 111, 117: return false          // a e i o u
        case 121: return i == 0 ? true : !isConsonant(w, i - 1)  // y
        default: return true
        }
    }

    /// m in [C](VC)^m[V] of w[0..<end].
    private static func measure(_ w: [UInt8], _ end: Int) -> Int {
        var m = 0, i = 0
        while i < end, isConsonant(w, i) { i += 1 }
        while i < end {
            while i < end, !isConsonant(w, i) { i += 1 }
            guard i < end else { break }
            m += 1
            while i < end, isConsonant(w, i) { i += 1 }
        }
        return m
    }

    private static func hasVowel(_ w: [UInt8], _ end: Int) -> Bool {
        (0..<end).contains { !isConsonant(w, $0) }
    }

    private static func endsWithDoubleConsonant(_ w: [UInt8], _ end: Int) -> Bool {
        end >= 2 && w[end - 1] == w[end - 2] && isConsonant(w, end - 1)
    }

    /// *o: the stem ends consonant-vowel-consonant, the last not w, x or y.
    private static func endsCVC(_ w: [UInt8], _ end: Int) -> Bool {
        guard end >= 3, isConsonant(w, end - 1), !isConsonant(w, end - 2), isConsonant(w, end - 3) else { return false }
        return ![119, 120, 121].contains(w[end - 1])
    }

    private static func ends(_ w: [UInt8], _ suffix: String) -> Bool {
        var i = w.count - suffix.utf8.count
        guard i >= 0 else { return false }
        for byte in suffix.utf8 {
            guard w[i] == byte else { return false }
            i += 1
        }
        return true
    }

    private static func replace(_ w: inout [UInt8], _ suffix: String, _ replacement: String) {
        w.removeLast(suffix.utf8.count)
        w.append(contentsOf: replacement.utf8)
    }

    /// Applies the first rule whose suffix matches, if the stem before it has measure > `minimum`.
    private static func applyRules(_ w: inout [UInt8], _ rules: [(String, String)], minimum: Int) {
        for (suffix, replacement) in rules where ends(w, suffix) {
            if measure(w, w.count - suffix.utf8.count) > minimum { replace(&w, suffix, replacement) }
            return
        }
    }

    // MARK: - Steps

    private static func step1a(_ w: inout [UInt8]) {
        if ends(w, "sses") { replace(&w, "sses", "ss") }
        else if ends(w, "ies") { replace(&w, "ies", "i") }
        else if ends(w, "ss") { return }
        else if ends(w, "s") { w.removeLast() }
    }

    private static func step1b(_ w: inout [UInt8]) {
        if ends(w, "eed") {
            if measure(w, w.count - 3) > 0 { w.removeLast() }
            return
        }
        var removed = false
        for suffix in ["ed", "ing"] where ends(w, suffix) {
            if hasVowel(w, w.count - suffix.utf8.count) {
                w.removeLast(suffix.utf8.count)
                removed = true
            }
            break
        }
        guard removed else { return }
        if ends(w, "at") || ends(w, "bl") || ends(w, "iz") {
            w.append(101)
        } else if endsWithDoubleConsonant(w, w.count), ![108, 115, 122].contains(w[w.count - 1]) {
            w.removeLast()
        } else if measure(w, w.count) == 1, endsCVC(w, w.count) {
            w.append(101)
        }
    }

    private static func step1c(_ w: inout [UInt8]) {
        if ends(w, "y"), hasVowel(w, w.count - 1) { w[w.count - 1] = 105 }
    }

    /// Longest suffix first (a stable sort: equal lengths keep Porter's order).
    private static let step2Rules: [(String, String)] = [
        ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"),
        ("abli", "able"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"),
        ("ization", "ize"), ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("iveness", "ive"),
        ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"),
    ].sorted { $0.0.count > $1.0.count }

    private static func step2(_ w: inout [UInt8]) {
        applyRules(&w, step2Rules, minimum: 0)
    }

    private static let step3Rules: [(String, String)] = [
        ("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""),
    ].sorted { $0.0.count > $1.0.count }

    private static func step3(_ w: inout [UInt8]) {
        applyRules(&w, step3Rules, minimum: 0)
    }

    private static let step4Suffixes = [
        "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism",
        "ate", "iti", "ous", "ive", "ize",
    ].sorted { $0.count > $1.count }

    private static func step4(_ w: inout [UInt8]) {
        for suffix in step4Suffixes where ends(w, suffix) {
            let stemEnd = w.count - suffix.utf8.count
            guard measure(w, stemEnd) > 1 else { return }
            if suffix == "ion" {
                guard stemEnd > 0, w[stemEnd - 1] == 115 || w[stemEnd - 1] == 116 else { return }
            }
            w.removeLast(suffix.utf8.count)
            return
        }
    }

    private static func step5(_ w: inout [UInt8]) {
        if ends(w, "e") {
            let m = measure(w, w.count - 1)
            if m > 1 || (m == 1 && !endsCVC(w, w.count - 1)) { w.removeLast() }
        }
        if w.count >= 2, w[w.count - 1] == 108, endsWithDoubleConsonant(w, w.count), measure(w, w.count) > 1 {
            w.removeLast()
        }
    }
}
