import FluentKit
import SQLKit

/// Every migration, in order. Fluent records which have run, so applying them again is a no-op.
public enum ParleyMigrations {
    public static var all: [any Migration] {
        [CreateTenancyTables(), CreateConversationTables(), CreateOperationsTables(), CreateKnowledgeTables(), CreateConsentTable(),
         CreateJobTables(), CreateSourceInputTable(), CreateKnowledgeChangeTable(), CreateRateCounterTable(),
         CreateAdminTables(), CreateAdminSessionTable(), AddAgentRetrievalOverrides(), AddEmailEventKind(), AddSessionActivityIndex(), AddLeadProfileColumns(),
         AddSummaryAndDeliveryColumns(), AddLeadCompanyColumn(), CreateWebhookTables(), AddSessionActivityTrigger(),
         CreateRetrievalFitTable(), CreateRetrievalReportTable(), CreateEscalationTable(), AddLiveHandoff(),
         AddMessageStreamRedemption(), IndexMessagesByTenantAndSession(), IndexJobsByStateAndFairKey(),
         RefitDenseWeightsByDecisiveness(), CoalesceSessionActivity(), TieMessagesToTheirSessionsTenant()]
    }
}

/// Secondary indices, which Fluent's schema builder does not express.
enum Indexes {
    static func create(_ name: String, on table: String, _ columns: [String], unique: Bool = false, in database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        var builder = sql.create(index: name).on(table)
        if unique { builder = builder.unique() }
        for column in columns { builder = builder.column(column) }
        try await builder.run()
    }

    static func drop(_ name: String, in database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: name).run()
    }
}
