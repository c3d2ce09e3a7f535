import Logging

/// Keeps test output readable: warnings and errors only, bootstrapped once per process.
public enum TestLogging {
    private static let once: Void = {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
    }()

    public static func bootstrap() { once }
}
