import ParleyHandoff
import Vapor

/// Ends every live channel when the application shuts down, so that the server's shutdown does
/// not wait for long-lived streams (their clients reconnect and resume elsewhere).
struct SessionEventsShutdown: LifecycleHandler {
    let bus: LocalSessionEventBus

    func shutdownAsync(_ application: Application) async {
        await bus.shutdown()
    }
}
