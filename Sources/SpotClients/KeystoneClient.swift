public import SpotCore

/// Keystone's project list, so that VMs show their project's name and not only its id.
public struct KeystoneClient: Sendable {
    public let session: OpenStackSession
    private let caller: ServiceCaller

    public init(session: OpenStackSession) {
        self.session = session
        self.caller = ServiceCaller(service: "Keystone", style: .openStack, transport: session.transport)
    }

    /// Every project (`GET /v3/projects`, following `links.next`), sorted by id.
    public func projects() async throws(ClientError) -> [Project] {
        let identity = await (try? session.endpoint(type: "identity")) ?? session.credentials.authURL
        let base = URLText.join(OpenStackSession.identityV3(identity), "projects")
        var url = base
        var projects: [Project] = []
        var seen: Set<String> = [url]
        while true {
            let response = try await session.send(caller, "GET", url, headers: [("Accept", "application/json")])
            let page = try caller.decode(ProjectList.self, from: response, method: "GET", url: url, redactor: await session.redactor())
            projects += page.projects.map { Project(id: $0.id, name: $0.name ?? $0.id, domainID: $0.domainID) }
            guard let next = page.links?.next, !next.isEmpty, !page.projects.isEmpty else { break }
            let redactor = await session.redactor()
            guard let following = URLText.nextPage(base: base, ownQuery: [], link: next) else {
                throw ClientError(service: "Keystone", method: "GET", path: redactor.redact(HTTPTransport.pathAndQuery(url)),
                                  status: response.status, message: redactor.redact(URLText.unusableNextLink(next)), attempts: 1)
            }
            guard seen.insert(following).inserted else {
                throw ClientError(service: "Keystone", method: "GET", path: redactor.redact(HTTPTransport.pathAndQuery(following)),
                                  status: response.status, message: "the next link leads back to a page already read", attempts: 1)
            }
            url = following
        }
        return projects.sorted { $0.id < $1.id }
    }
}

private struct ProjectList: Decodable {
    struct Entry: Decodable {
        let id: String
        let name: String?
        let domainID: String?

        enum CodingKeys: String, CodingKey {
            case id, name
            case domainID = "domain_id"
        }
    }

    struct Links: Decodable {
        let next: String?
    }

    let projects: [Entry]
    let links: Links?
}
