import FluentKit
import SQLKit

/// Checks that the database answers a trivial query.
public enum DatabaseHealth {
    public static func isReachable(_ database: any Database) async -> Bool {
        guard let sql = database as? any SQLDatabase else { return false }
        do {
            try await sql.raw("SELECT 1").run()
            return true
        } catch {
            return false
        }
    }
}
