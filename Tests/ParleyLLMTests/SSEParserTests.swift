import ParleyLLM
import Testing

@Suite("SSE parser")
struct SSEParserTests {
    let stream = "event: token\ndata: {\"t\":\"h\u{E9}llo \u{1F44B}\"}\n\n: comment\n\ndata: line one\r\ndata: line two\r\n\r\nid: 7\nevent: done\ndata: [DONE]\n\n"

    func parse(_ text: String, splitEvery size: Int) throws -> [ServerSentEvent] {
        var parser = SSEParser()
        let bytes = Array(text.utf8)
        var events: [ServerSentEvent] = []
        var index = 0
        while index < bytes.count {
            events += try parser.feed(bytes[index..<min(bytes.count, index + size)])
            index += size
        }
        if let last = parser.finish() { events.append(last) }
        return events
    }

    @Test(arguments: [1, 2, 3, 5, 7, 11, 64, 4096])
    func eventsSurviveAnySplit(size: Int) throws {
        let events = try parse(stream, splitEvery: size)
        #expect(events.count == 3)
        #expect(events[0] == ServerSentEvent(event: "token", data: "{\"t\":\"h\u{E9}llo \u{1F44B}\"}"))
        #expect(events[1].data == "line one\nline two")
        #expect(events[1].event == "message")
        #expect(events[2].event == "done")
        #expect(events[2].id == "7")
    }

    @Test func unterminatedFinalEventIsFlushed() throws {
        let events = try parse("data: tail", splitEvery: 3)
        #expect(events == [ServerSentEvent(data: "tail")])
    }

    @Test func overlongLineIsAnError() {
        var parser = SSEParser(maxLineBytes: 16)
        #expect(throws: SSEParser.LineTooLong.self) {
            _ = try parser.feed(Array(String(repeating: "x", count: 40).utf8))
        }
    }
}
