import Testing

@testable import CoxswainRegistry

@Suite("Link header parsing")
struct LinkHeaderTests {
    @Test("Distribution's relative next link resolves against the request URL")
    func relative() {
        let header = LinkHeader([#"</v2/_catalog?last=demo%2Fhttpd&n=100>; rel="next""#])
        #expect(header.next(relativeTo: "http://127.0.0.1:5000/v2/_catalog?n=100") == "http://127.0.0.1:5000/v2/_catalog?last=demo%2Fhttpd&n=100")
    }

    @Test("GitHub's absolute links with several relations; next is picked")
    func absolute() {
        let value =
            #"<https://api.github.com/orgs/acme/packages?package_type=container&page=1>; rel="prev", "#
            + #"<https://api.github.com/orgs/acme/packages?package_type=container&page=3>; rel="next", <https://api.github.com/x?page=9>; rel="last""#
        let header = LinkHeader([value])
        #expect(header.links.count == 3)
        #expect(
            header.next(relativeTo: "https://api.github.com/orgs/acme/packages") == "https://api.github.com/orgs/acme/packages?package_type=container&page=3")
    }

    @Test("unquoted rel, several rel values, quoted commas in parameters")
    func parameters() {
        let header = LinkHeader([#"<https://a/x?p=2>; title="a, b"; rel="next last""#, "</y>;rel=prev"])
        #expect(header.links.first?.parameters["title"] == "a, b")
        #expect(header.links.first?.relations == ["next", "last"])
        #expect(header.links.last?.relations == ["prev"])
        #expect(header.next(relativeTo: "https://a/") == "https://a/x?p=2")
    }

    @Test("no next, junk and non-HTTP targets give nil")
    func none() {
        #expect(LinkHeader([]).next(relativeTo: "https://a/") == nil)
        #expect(LinkHeader([#"<https://a/x>; rel="prev""#]).next(relativeTo: "https://a/") == nil)
        #expect(LinkHeader(["garbage", "<", ">;;;", "<>; rel=next"]).next(relativeTo: "https://a/") == nil)
        #expect(LinkHeader([#"<file:///etc/passwd>; rel="next""#]).next(relativeTo: "https://a/") == nil)
        #expect(LinkHeader([#"<javascript:alert(1)>; rel="next""#]).next(relativeTo: "https://a/") == nil)
    }
}
