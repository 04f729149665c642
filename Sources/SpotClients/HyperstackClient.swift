import Foundation
public import SpotCore

/// The Hyperstack (NexGen Cloud Infrahub) API: the image catalogue and firewalls. Authenticates
/// with the `api_key` header (with its underscore, as the API documents it).
public struct HyperstackClient: Sendable {
    public let credentials: ServiceCredentials
    let caller: ServiceCaller
    let redactor: Redactor

    public init(credentials: ServiceCredentials, transport: HTTPTransport) {
        self.credentials = credentials
        self.caller = ServiceCaller(service: "Hyperstack", style: .hyperstack, transport: transport)
        self.redactor = Redactor(secrets: [credentials.key])
        transport.protect([credentials.key])
    }

    var headers: [(String, String)] {
        [("api_key", credentials.key.reveal), ("accept", "application/json"), ("Content-Type", "application/json")]
    }

    func url(_ path: String) -> String {
        URLText.join(credentials.url, path)
    }

    /// Every image, the region/type groups of `GET /core/images` flattened.
    public func images() async throws(ClientError) -> [HyperstackImage] {
        let url = url("core/images")
        let document: ImagesDocument = try await get(url)
        return (document.images ?? []).flatMap { group in
            (group.images ?? []).map { image in
                HyperstackImage(id: image.id, name: image.name ?? "", region: image.regionName ?? group.regionName ?? "",
                                type: image.type ?? group.type, version: image.version, sizeBytes: image.size,
                                displaySize: image.displaySize, isPublic: image.isPublic)
            }
        }
    }

    /// One firewall with the VMs attached to it (`GET /core/firewalls/{id}`).
    public func firewall(id: Int) async throws(ClientError) -> HyperstackFirewall {
        let url = url("core/firewalls/\(id)")
        let document: FirewallDocument = try await get(url)
        guard let firewall = document.firewall else {
            throw ClientError(service: "Hyperstack", method: "GET", path: HTTPTransport.pathAndQuery(url), status: 200,
                              message: "the answer has no firewall", attempts: 1)
        }
        // The attachments are what a firewall write starts from: an answer without them, or with
        // one that names no VM, is an error, never an empty list (writing back a shorter list would
        // detach VMs).
        guard let listed = firewall.attachments else {
            throw ClientError(service: "Hyperstack", method: "GET", path: HTTPTransport.pathAndQuery(url), status: 200,
                              message: "the firewall \(id) has no attachments list; nothing was changed", attempts: 1)
        }
        var attachments: [HyperstackFirewall.Attachment] = []
        for attachment in listed {
            guard let vm = attachment.vm, let vmID = vm.id else {
                throw ClientError(service: "Hyperstack", method: "GET", path: HTTPTransport.pathAndQuery(url), status: 200,
                                  message: "an attachment of firewall \(id) names no VM id; nothing was changed", attempts: 1)
            }
            attachments.append(HyperstackFirewall.Attachment(vmID: vmID, vmName: vm.name ?? "", status: attachment.status))
        }
        return HyperstackFirewall(id: firewall.id, name: firewall.name ?? "", environment: firewall.environment?.name,
                                  attachments: attachments)
    }

    func get<T: Decodable>(_ url: String) async throws(ClientError) -> T {
        let response = try await caller.call("GET", url, headers: headers, redactor: redactor)
        // A 200 whose envelope says `"status": false` is a failure too.
        if let envelope = try? JSONDecoder().decode(HyperstackEnvelope.self, from: response.body), envelope.status == false {
            throw ClientError(service: "Hyperstack", method: "GET", path: HTTPTransport.pathAndQuery(url), status: response.status,
                              message: redactor.redact(ErrorStyle.hyperstack.message(from: response.body)), attempts: 1)
        }
        return try caller.decode(T.self, from: response, method: "GET", url: url, redactor: redactor)
    }
}

// MARK: wire types

struct HyperstackEnvelope: Decodable {
    let status: Bool?
}

private struct ImagesDocument: Decodable {
    struct Group: Decodable {
        let regionName: String?
        let type: String?
        let images: [Image]?

        enum CodingKeys: String, CodingKey {
            case type, images
            case regionName = "region_name"
        }
    }

    struct Image: Decodable {
        let id: Int
        let name: String?
        let regionName: String?
        let type: String?
        let version: String?
        let size: Int?
        let displaySize: String?
        let isPublic: Bool?

        enum CodingKeys: String, CodingKey {
            case id, name, type, version, size
            case regionName = "region_name"
            case displaySize = "display_size"
            case isPublic = "is_public"
        }
    }

    let images: [Group]?
}

private struct FirewallDocument: Decodable {
    struct Firewall: Decodable {
        struct Environment: Decodable {
            let name: String?
        }

        struct Attachment: Decodable {
            struct VM: Decodable {
                let id: Int?
                let name: String?
            }

            let status: String?
            let vm: VM?
        }

        let id: Int
        let name: String?
        let environment: Environment?
        let attachments: [Attachment]?
    }

    let firewall: Firewall?
}
