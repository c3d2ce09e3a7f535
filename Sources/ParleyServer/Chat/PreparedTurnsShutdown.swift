import ParleyChat
import Vapor

/// Abandons the turns still waiting for their stream when the application shuts down: their
/// model calls stop and their LLM call records are written (best effort: the database may be
/// closing too), and no task is left waiting for a request that cannot come.
struct PreparedTurnsShutdown: LifecycleHandler {
    let turns: PreparedTurns

    func shutdownAsync(_ application: Application) async {
        await turns.abandonAll()
    }
}
