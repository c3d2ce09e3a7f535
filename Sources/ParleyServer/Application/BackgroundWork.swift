import Foundation
import Logging
import ServiceLifecycle

/// Long-lived work beside (or instead of) the HTTP server: job workers now, index followers
/// later, run as one swift-service-lifecycle `ServiceGroup`. `stop()` shuts the group down
/// gracefully: workers stop claiming, let running jobs finish within their drain time and give
/// back the rest.
public final class BackgroundWork: Sendable {
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    public init(_ services: [any Service], logger: Logger = Logger(label: "parley.background")) {
        let group = ServiceGroup(services: services, logger: logger)
        self.group = group
        task = Task { try await group.run() }
    }

    /// Shuts the services down gracefully and waits until they have.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
