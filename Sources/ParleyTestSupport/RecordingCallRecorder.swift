import ParleyCore

/// Collects LLM call records in memory, for tests of the models themselves.
public actor RecordingCallRecorder: LLMCallRecorder {
    public private(set) var calls: [LLMCallRecord] = []

    public init() {}

    public func record(_ call: LLMCallRecord, context: LLMCallContext) async {
        calls.append(call)
    }

    /// Waits until `count` calls were recorded (models record just before a stream ends).
    public func waitForCalls(_ count: Int, timeout: Duration = .seconds(5)) async -> [LLMCallRecord] {
        let deadline = ContinuousClock.now + timeout
        while calls.count < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return calls
    }
}
