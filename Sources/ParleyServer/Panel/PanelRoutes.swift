import Vapor

/// The panel's route groups: every page behind the session cookie, errors as pages, and the
/// tenant pages under `/admin/t/{slug}`.
struct PanelRoutes {
    let signedIn: any RoutesBuilder
    let tenant: any RoutesBuilder

    init(_ routes: any RoutesBuilder) {
        signedIn = routes.grouped("admin").grouped(PanelErrorMiddleware(), PanelAuthMiddleware())
        tenant = signedIn.grouped("t", ":slug")
    }

    /// Forms are small; an upload form states its own limit.
    static let formBytes = ByteCount(value: 65_536)
}
