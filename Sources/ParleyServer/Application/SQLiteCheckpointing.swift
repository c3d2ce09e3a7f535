import ParleyStore
import Vapor

/// Stops the background checkpointer of an SQLite application when the application shuts down.
struct SQLiteCheckpointing: LifecycleHandler {
    let checkpointer: SQLiteCheckpointer

    func shutdownAsync(_ application: Application) async {
        await checkpointer.stop()
    }
}
