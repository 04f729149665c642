import Foundation
import Testing
import SpotCore
@testable import SpotClients

/// The fast reader of `/servers/detail` pages gives what JSONDecoder gives, or hands the page
/// back to JSONDecoder.
@Suite struct ServerListDecoderTests {
    /// Both readings of one page as comparable models (nil for the fast one when it declined).
    func both(_ text: String) -> (fast: [Server]?, fastLinks: [String?]?, slow: [Server]?, slowLinks: [String?]?) {
        let data = Data(text.utf8)
        let fast = ServerListDecoder.decode(data)
        let slow = try? JSONDecoder().decode(ServerPage.self, from: data)
        return (fast?.servers.map { $0.model(flavorsByID: [:]) }, fast?.links.map { $0.map { ($0.rel ?? "") + " " + ($0.href ?? "") } },
                slow?.servers.map { $0.model(flavorsByID: [:]) }, slow?.serversLinks.map { $0.map { ($0.rel ?? "") + " " + ($0.href ?? "") } })
    }

    @Test func simulatedPagesReadTheSameAtEveryMicroversion() async throws {
        try await ClientFixture.run { f in
            let session = try f.session()
            let base = try await session.endpoint(type: "compute")
            let caller = ServiceCaller(service: "Nova", style: .openStack, transport: f.transport)
            for version in ["2.1", "2.40", "2.47", "2.60", "2.79", "2.96"] {
                for limit in [3, 1000] {
                    let url = URLText.with(URLText.join(base, "servers/detail"), query: [("all_tenants", "1"), ("limit", String(limit))])
                    let response = try await session.send(caller, "GET", url, headers: [
                        ("Accept", "application/json"), ("OpenStack-API-Version", "compute \(version)"),
                    ])
                    let text = String(decoding: response.body, as: UTF8.self)
                    let result = both(text)
                    #expect(result.fast != nil, "the fast reader declined a page at \(version)")
                    #expect(result.fast == result.slow, "at \(version)")
                    #expect(result.fastLinks == result.slowLinks, "at \(version)")
                    #expect(!(result.fast ?? []).isEmpty)
                }
            }
        }
    }

    @Test func escapesNullsAndUnicodeReadTheSame() {
        let text = #"""
         { "servers" : [ {"id": "a\"b\\c\/d", "name": "caf\u00e9 \ud83d\ude80 \n\t <b>", "status": null,
           "OS-EXT-SRV-ATTR:host": "", "tenant_id": "p1", "project_id": "p2", "user_id": null,
           "links": [{"href": "x", "rel": "self"}], "metadata": {"k": [1, 2.5e-3, -0, true, false, null, {}]},
           "flavor": {"id": 42, "original_name": "gpu", "extra_specs": {"a": "1", "b": true, "c": null, "d": false}},
           "created": "2024-01-01T00:00:00Z", "OS-EXT-AZ:availability_zone": "nova", "progress": 0},
           {"id": "plain", "flavor": null, "name": "naïve", "addresses": {"storage net": [{"addr": "10.0.0.5", "version": 4}], "a\u00e9": []}},
           {"id": "nulladdr", "addresses": null},
           {"id": "f2", "flavor": {"id": "m1.small", "links": []}, "OS-EXT-STS:vm_state": "active"},
           {"id": "f3", "flavor": {"id": null, "extra_specs": null}} ],
           "servers_links": [{"rel": "next", "href": "http://h/servers/detail?marker=f3&limit=4"}, {"rel": null}] }
        """#
        let result = both(text)
        #expect(result.fast != nil)
        #expect(result.fast == result.slow)
        #expect(result.fastLinks == result.slowLinks)
        #expect(result.fast?.first?.name == "café 🚀 \n\t <b>")
        #expect(result.fast?.first?.flavorExtraSpecs == ["a": "1", "b": "true", "d": "false"])
        #expect(result.fast?.first?.host == nil)
        #expect(result.fast?.first?.networks == nil)
        #expect(result.fast?[1].networks == ["aé", "storage net"])
    }

    @Test func noLinksAndAnEmptyListReadTheSame() {
        for text in [#"{"servers": []}"#, #"{"servers": [], "servers_links": null}"#, #"{"servers_links": [], "servers": [{"id": "x"}]}"#] {
            let result = both(text)
            #expect(result.fast != nil, "\(text)")
            #expect(result.fast == result.slow, "\(text)")
            #expect(result.fastLinks == result.slowLinks, "\(text)")
        }
    }

    /// Anything unusual or invalid is left to JSONDecoder (which then reads it or reports it).
    @Test func unusualOrInvalidPagesAreLeftToJSONDecoder() {
        let declined = [
            #"{"servers": [{"id": 5}]}"#,  // an id that is not text
            #"{"servers": [{"name": "no id"}]}"#,
            #"{"servers": [{"id": "x", "flavor": {"extra_specs": {"n": 1}}}]}"#,  // numbers: JSONValue rules
            #"{"servers": [{"id": "x", "flavor": {"extra_specs": {"a": "1", "a": "2"}}}]}"#,
            #"{"servers": [{"id": "x", "id": "y"}]}"#,
            #"{"servers": [{"id": "x", "addresses": {"n": [], "n": []}}]}"#,  // a repeated network
            #"{"servers": [{"id": "x", "addresses": []}]}"#,
            #"{"servers": [{"id": "x", "name": 3}]}"#,
            #"{"servers": [{"id": "x"}]"#,  // cut short
            #"{"servers": [{"id": "x"}]} trailing"#,
            #"{"servers": [{"id": "x", "other": tru}]}"#,
            #"{"servers": [{"id": "x", "other": 01}]}"#,
            #"{"servers": [{"id": "x", "other": "\x"}]}"#,
            #"{"servers": [{"id": "\ud800"}]}"#,
            #"{"links": []}"#,
            #"[]"#,
            "{\"servers\": [{\"id\": \"a\u{01}b\"}]}",
        ]
        for text in declined {
            #expect(ServerListDecoder.decode(Data(text.utf8)) == nil, "\(text)")
        }
        // Invalid UTF-8 is declined too.
        var bytes = Array(#"{"servers": [{"id": "ab"}]}"#.utf8)
        bytes[21] = 0xFF
        #expect(ServerListDecoder.decode(Data(bytes)) == nil)
    }

    @Test func theNextLinkIsSeenWithoutDecodingThePage() {
        let page = #"{"servers": [{"id": "a", "name": "x \"servers_links\": [{\"rel\": \"next\"}]"}], "servers_links": [{"href": "http://h/servers/detail?marker=a", "rel": "next"}]}"#
        #expect(ServerListDecoder.peekNextLink(Data(page.utf8)) == "http://h/servers/detail?marker=a")
        #expect(ServerListDecoder.peekNextLink(Data(#"{"servers": []}"#.utf8)) == nil)
        #expect(ServerListDecoder.peekNextLink(Data(#"{"servers": [], "servers_links": [{"rel": "prev", "href": "p"}]}"#.utf8)) == nil)
        // Inside a string value it is not taken for the key.
        #expect(ServerListDecoder.peekNextLink(Data(#"{"servers": [{"id": ""servers_links": [{"rel": "next", "href": "x"}]"}]}"#.utf8)) == nil)
    }
}
