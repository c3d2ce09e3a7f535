import Foundation
import ParleyCore
import Vapor

/// An admin user as the API shows it: never the password hash.
struct AdminUserResponse: Content {
    struct Membership: Content {
        var tenant: String
        var role: String
    }

    var id: String
    var email: String
    var displayName: String
    var platformAdmin: Bool
    var memberships: [Membership]

    enum CodingKeys: String, CodingKey {
        case id, email, memberships
        case displayName = "display_name", platformAdmin = "platform_admin"
    }

    init(_ user: AdminUser, memberships: [TenantMembership], tenants: any TenantDirectory) async throws {
        id = user.id.description
        email = user.email
        displayName = user.displayName
        platformAdmin = user.isPlatformAdmin
        var listed: [Membership] = []
        for membership in memberships {
            if let tenant = try await tenants.tenant(id: membership.tenantID) { listed.append(Membership(tenant: tenant.slug, role: membership.role.rawValue)) }
        }
        self.memberships = listed.sorted { $0.tenant < $1.tenant }
    }
}

/// What a successful sign-in answers.
struct SignedInResponse: Content {
    var token: String
    var csrfToken: String
    var expiresAt: Date
    var user: AdminUserResponse

    enum CodingKeys: String, CodingKey {
        case token, user
        case csrfToken = "csrf_token", expiresAt = "expires_at"
    }
}

/// A tenant as the admin API shows it: never its API key hash.
struct AdminTenantResponse: Content {
    var id: String
    var slug: String
    var name: String
    var active: Bool
    var widgetKey: String
    var role: String
    var settings: JSONValue?
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, slug, name, active, role, settings
        case widgetKey = "widget_key", createdAt = "created_at"
    }

    init(_ tenant: Tenant, role: AdminRole, withSettings: Bool) {
        id = tenant.id.description
        slug = tenant.slug
        name = tenant.name
        active = tenant.isActive
        widgetKey = tenant.widgetKey
        self.role = role.rawValue
        settings = withSettings ? tenant.settings : nil
        createdAt = tenant.createdAt
    }
}

struct AdminTenantList: Content {
    var tenants: [AdminTenantResponse]
}

/// A tenant with its secret API key, shown this once.
struct CreatedTenantResponse: Content {
    var tenant: AdminTenantResponse
    var apiKey: String

    enum CodingKeys: String, CodingKey {
        case tenant
        case apiKey = "api_key"
    }
}
