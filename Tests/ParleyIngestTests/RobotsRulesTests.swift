import Foundation
import ParleyIngest
import Testing

@Suite("robots.txt and sitemaps")
struct RobotsRulesTests {
    let robots = """
    # comment
    User-agent: *
    Disallow: /private/
    Allow: /private/press/
    Disallow: /*.pdf$

    User-agent: OtherBot
    Disallow: /

    Sitemap: https://example.test/sitemap.xml
    """

    @Test func longestRuleWinsAndWildcardsMatch() {
        let rules = RobotsRules(parsing: robots, userAgent: "ParleyBot/1.0")
        #expect(rules.allows("/"))
        #expect(rules.allows("/pricing"))
        #expect(!rules.allows("/private/notes"))
        #expect(rules.allows("/private/press/2026"))
        #expect(!rules.allows("/files/brochure.pdf"))
        #expect(rules.allows("/files/brochure.pdf?download=1"))
        #expect(rules.sitemaps == ["https://example.test/sitemap.xml"])
    }

    @Test func ourOwnGroupTakesPrecedenceOverTheStarGroup() {
        let rules = RobotsRules(parsing: robots, userAgent: "OtherBot/2.0 (+https://other.test)")
        #expect(!rules.allows("/pricing"))
        #expect(RobotsRules.disallowAll.allows("/") == false)
        #expect(RobotsRules.allowAll.allows("/anything"))
    }

    @Test func sitemapLocationsAndIndexes() {
        let xml = """
        <?xml version="1.0"?><urlset><url><loc> https://example.test/a?x=1&amp;y=2 </loc></url>
        <url><loc><![CDATA[https://example.test/b]]></loc></url></urlset>
        """
        #expect(SitemapParser.locations(in: xml) == ["https://example.test/a?x=1&y=2", "https://example.test/b"])
        #expect(!SitemapParser.isIndex(xml))
        #expect(SitemapParser.isIndex("<sitemapindex><sitemap><loc>https://e.test/s1.xml</loc></sitemap></sitemapindex>"))
    }
}
