extension Duration {
    /// The duration in (fractional) milliseconds, for latency figures.
    public var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }

    /// The duration in (fractional) seconds.
    public var seconds: Double { milliseconds / 1000 }

    /// Whole milliseconds, as stored in `latency_ms` columns.
    public var wholeMilliseconds: Int { Int(milliseconds) }
}
