@testable import ParleyServer
import Testing

/// A query parameter read as a form decoder reads it.
@Suite("Query parameter")
struct QueryParameterTests {
    @Test func plainEncodedAndMissing() {
        #expect(QueryParameter.value(of: "stream_id", in: "stream_id=abc.DEF-_1") == "abc.DEF-_1")
        #expect(QueryParameter.value(of: "stream_id", in: "a=1&stream_id=x%2Ey%20z+w&b=2") == "x.y z w")
        #expect(QueryParameter.value(of: "stream_id", in: "stream%5Fid=named+in+escapes") == "named in escapes")
        #expect(QueryParameter.value(of: "stream_id", in: "stream_id=first&stream_id=second") == "first")
        #expect(QueryParameter.value(of: "stream_id", in: "stream_id=a=b") == "a=b", "only the first = separates")
        #expect(QueryParameter.value(of: "stream_id", in: "stream_id") == "")
        #expect(QueryParameter.value(of: "stream_id", in: "stream_id=") == "")
        #expect(QueryParameter.value(of: "stream_id", in: "xstream_id=1&stream_ids=2") == nil)
        #expect(QueryParameter.value(of: "stream_id", in: "") == nil)
        #expect(QueryParameter.value(of: "stream_id", in: nil) == nil)
    }

    @Test func malformedEscapesAreNoValue() {
        #expect(QueryParameter.value(of: "stream_id", in: "stream_id=%zz") == nil)
        #expect(QueryParameter.value(of: "stream_id", in: "stream_id=%") == nil)
        #expect(QueryParameter.value(of: "stream_id", in: "stream_id=%E2%82") == nil, "a cut UTF-8 sequence")
        #expect(QueryParameter.value(of: "stream_id", in: "stream_id=%E2%82%AC") == "€")
    }
}
