import ParleyCore
import Vapor

extension ParleyApp {
    static func registerRoutes(_ app: Application, services: ParleyServices) throws {
        try app.register(collection: HealthController())
        try app.register(collection: MetricsController())
        try app.register(collection: ChatController(maxBodyBytes: services.config.chat.maxBodyBytes))
        try app.register(collection: SourcesController(maxUploadBytes: services.config.ingest.maxUploadBytes))
        try app.register(collection: ConsentController())
        try app.register(collection: LeadFormController())
        try app.register(collection: LeadsController())
        try app.register(collection: WidgetController(assets: try WidgetAssets.load()))
        try app.register(collection: AdminSessionController())
        try app.register(collection: AdminTenantsController())
        try app.register(collection: AdminUsersController())
        try app.register(collection: AdminConversationsController())
        try app.register(collection: AdminSummariesController())
        try app.register(collection: AdminWebhooksController())
        try app.register(collection: MailgunWebhookController())
        try app.register(collection: AdminAgentsController())
        try app.register(collection: AdminUsageController())
        try app.register(collection: AdminPlaygroundController())
        try app.register(collection: AdminOperationsController())
        try app.register(collection: DocsController(api: try OpenAPIDocument.load()))
        try PanelViews.configure(app)
        try app.register(collection: PanelLoginController())
        try app.register(collection: PanelHomeController())
        try app.register(collection: PanelLeadsController())
        try app.register(collection: PanelEmailsController())
        try app.register(collection: PanelConversationsController())
        try app.register(collection: PanelAgentsController())
        try app.register(collection: PanelUsageController())
        try app.register(collection: PanelPeopleController())
        try app.register(collection: PanelWidgetController())
        try app.register(collection: PanelPlatformController())
        try app.register(collection: PanelKnowledgeController(maxUploadBytes: services.config.ingest.maxUploadBytes))
    }
}
