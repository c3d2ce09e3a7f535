/// One server-sent event (the WHATWG `text/event-stream` format).
public struct ServerSentEvent: Sendable, Equatable {
    public var event: String
    public var data: String
    public var id: String?

    public init(event: String = "message", data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }
}

/// An incremental `text/event-stream` parser. Bytes may be split anywhere, including inside
/// a line terminator or a multi-byte UTF-8 character: lines are decoded only once complete.
/// Comments (`:` lines) are dropped; `data` lines of one event are joined with `\n`.
public struct SSEParser: Sendable {
    private var buffer: [UInt8] = []
    private var dataLines: [String] = []
    private var eventName = ""
    private var lastEventID: String?
    private var skipLeadingLineFeed = false
    /// A line longer than this is a protocol violation, not something to buffer forever.
    public let maxLineBytes: Int

    public struct LineTooLong: Error, Sendable {}

    public init(maxLineBytes: Int = 4 * 1024 * 1024) {
        self.maxLineBytes = maxLineBytes
    }

    /// Feeds bytes and returns the events they completed.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if skipLeadingLineFeed {
                skipLeadingLineFeed = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                skipLeadingLineFeed = byte == UInt8(ascii: "\r")
                if let event = processLine() { events.append(event) }
                buffer.removeAll(keepingCapacity: true)
            } else {
                buffer.append(byte)
                if buffer.count > maxLineBytes { throw LineTooLong() }
            }
        }
        return events
    }

    /// Flushes an event left without a trailing blank line at end of stream.
    public mutating func finish() -> ServerSentEvent? {
        if !buffer.isEmpty {
            let pending = processLine()
            buffer.removeAll()
            if let pending { return pending }
        }
        return dispatch()
    }

    private mutating func processLine() -> ServerSentEvent? {
        if buffer.isEmpty { return dispatch() }
        let line = String(decoding: buffer, as: UTF8.self)
        if line.hasPrefix(":") { return nil }
        let field: Substring
        var value: Substring
        if let colon = line.firstIndex(of: ":") {
            field = line[..<colon]
            value = line[line.index(after: colon)...]
            if value.hasPrefix(" ") { value = value.dropFirst() }
        } else {
            field = Substring(line)
            value = ""
        }
        switch field {
        case "data": dataLines.append(String(value))
        case "event": eventName = String(value)
        case "id": lastEventID = String(value)
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            dataLines.removeAll()
            eventName = ""
        }
        guard !dataLines.isEmpty else { return nil }
        return ServerSentEvent(event: eventName.isEmpty ? "message" : eventName,
                               data: dataLines.joined(separator: "\n"), id: lastEventID)
    }
}
