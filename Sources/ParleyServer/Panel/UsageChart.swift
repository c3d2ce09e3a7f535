import Foundation

/// A bar chart drawn on the server as SVG: one bar per day, a scale with four gridlines, a title
/// and a description for screen readers, and a data table beside it in the page. Every text in
/// it is escaped, so it can go into the page as markup.
struct UsageChart {
    struct Bar {
        var label: String
        var value: Double
    }

    var title: String
    var bars: [Bar]
    /// How a value is written on the scale and in the bar's tooltip.
    var format: (Double) -> String

    static let width = 720.0, height = 240.0
    static let left = 64.0, right = 8.0, top = 12.0, bottom = 36.0

    var svg: String {
        let id = "chart-" + String(title.unicodeScalars.filter(CharacterSet.alphanumerics.contains).map(Character.init).prefix(24)).lowercased()
        let plotWidth = Self.width - Self.left - Self.right, plotHeight = Self.height - Self.top - Self.bottom
        let maximum = Self.niceCeiling(bars.map(\.value).max() ?? 0)
        var parts: [String] = []
        parts.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\" role=\"img\" aria-labelledby=\"\(id)-t \(id)-d\">")
        let total = bars.map(\.value).reduce(0, +)
        parts.append("<title id=\"\(id)-t\">\(e(title))</title><desc id=\"\(id)-d\">\(bars.count) days, \(e(format(total))) in all, highest \(e(format(bars.map(\.value).max() ?? 0))).</desc>")
        for step in 0 ... 4 {
            let value = maximum * Double(step) / 4
            let y = Self.top + plotHeight - plotHeight * Double(step) / 4
            parts.append("<line x1=\"\(Self.left)\" y1=\"\(r(y))\" x2=\"\(Self.width - Self.right)\" y2=\"\(r(y))\" stroke=\"#cfd5df\" stroke-width=\"1\"/>")
            parts.append("<text x=\"\(Self.left - 6)\" y=\"\(r(y + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#4a5366\">\(e(format(value)))</text>")
        }
        guard !bars.isEmpty else { return (parts + ["</svg>"]).joined() }
        let slot = plotWidth / Double(bars.count)
        let barWidth = max(1, slot * 0.7)
        let labelEvery = max(1, Int((Double(bars.count) / 10).rounded(.up)))
        for (index, bar) in bars.enumerated() {
            let height = maximum > 0 ? plotHeight * bar.value / maximum : 0
            let x = Self.left + slot * Double(index) + (slot - barWidth) / 2
            parts.append("<rect x=\"\(r(x))\" y=\"\(r(Self.top + plotHeight - height))\" width=\"\(r(barWidth))\" height=\"\(r(height))\" fill=\"#1d56b3\"><title>\(e(bar.label)): \(e(format(bar.value)))</title></rect>")
            if index % labelEvery == 0 {
                parts.append("<text x=\"\(r(x + barWidth / 2))\" y=\"\(r(Self.height - Self.bottom + 16))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#4a5366\">\(e(String(bar.label.suffix(5))))</text>")
            }
        }
        parts.append("</svg>")
        return parts.joined()
    }

    /// The scale's top: the next 1, 2 or 5 times a power of ten at or above the largest value.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(value)))
        for step in [1.0, 2.0, 5.0, 10.0] where step * magnitude >= value { return step * magnitude }
        return 10 * magnitude
    }

    private func r(_ value: Double) -> String { String(format: "%.1f", value) }
    private func e(_ text: String) -> String { HTMLTemplate.escape(text) }
}
