import Foundation
public import SpotClients
public import SpotCore

/// The read commands: `spotctl images`, `server show`, `network show` and `firewall show`. Each
/// reads the cloud live (nothing is written), with the repository's configuration and
/// credentials; errors name the service and the request, and "not found" and "several found"
/// are different errors (both exit 1, with their own messages and hints).
public enum CloudQueries {
    /// Runs `body` with a reader for the repository's cloud, and shuts it down after.
    static func withReader<T: Sendable>(repository: OperationsRepository, context: RunContext,
                                        _ body: (CloudReader) async throws(SpotError) -> T) async throws(SpotError) -> T {
        try await withReader(repository: repository, context: context) { (reader: CloudReader, _: CloudSources) async throws(SpotError) -> T in
            try await body(reader)
        }
    }

    static func withReader<T: Sendable>(repository: OperationsRepository, context: RunContext,
                                        _ body: (CloudReader, CloudSources) async throws(SpotError) -> T) async throws(SpotError) -> T {
        let configuration = try repository.loadConfiguration(displayedFrom: context.workingDirectory)
        let sources: CloudSources
        do {
            sources = try CloudSources.resolve(configuration: configuration, environment: context.environment,
                                               workingDirectory: context.workingDirectory)
        } catch {
            throw SpotError(error.message, hint: error.hint)
        }
        let reader: CloudReader
        do {
            reader = try CloudReader(configuration: configuration, sources: sources)
        } catch {
            throw SpotError("cannot set up the HTTP client: \(error)")
        }
        do throws(SpotError) {
            let value = try await body(reader, sources)
            await reader.shutdown()
            return value
        } catch {
            await reader.shutdown()
            throw error
        }
    }

    static func failure(_ error: ClientError, hint: String = "check the service named above and try again") -> SpotError {
        SpotError(error.description, hint: hint, at: SpotError.Location(request: "\(error.method) \(error.path)"))
    }

    static func failure(_ error: LookupError) -> SpotError {
        switch error {
        case .failed(let client): return failure(client)
        case .notFound(_, let request, _):
            return SpotError(error.description, hint: "names are matched exactly (case and all); check the spelling or use the id",
                             at: SpotError.Location(request: request))
        case .several(_, let request, _, _):
            return SpotError(error.description, hint: "several share the name: use one of the ids listed",
                             at: SpotError.Location(request: request))
        }
    }

    static func hyperstack(_ reader: CloudReader) throws(SpotError) -> HyperstackClient {
        guard let client = reader.hyperstackClient else {
            throw SpotError("Hyperstack is not configured",
                            hint: "set HYPERSTACK_API_URL and HYPERSTACK_API_KEY (or hyperstack: in spotctl.yaml)")
        }
        return client
    }

    // MARK: printed output

    /// What a read command prints, as text or JSON: what `query` read, rendered, after a search
    /// for every configured secret in it (a cloud name holding a key's text is refused, never
    /// printed).
    public enum Command: Sendable {
        case images(region: String?)
        case server(String)
        case network(String)
        case firewall(Int)
    }

    public static func output(_ command: Command, json: Bool, repository: OperationsRepository,
                              context: RunContext) async throws(SpotError) -> String {
        try await withReader(repository: repository, context: context) { (reader: CloudReader, sources: CloudSources) async throws(SpotError) -> String in
            let text: String
            switch command {
            case .images(let region):
                let images = try await readImages(reader, region: region)
                text = json ? Self.json(images: images) : render(images: images)
            case .server(let name):
                let server = try await readServer(reader, name)
                text = json ? Self.json(server: server) : render(server: server)
            case .network(let name):
                let network = try await readNetwork(reader, name)
                text = json ? Self.json(network: network) : render(network: network)
            case .firewall(let id):
                let firewall = try await readFirewall(reader, id)
                text = json ? Self.json(firewall: firewall) : render(firewall: firewall)
            }
            try SecretScan(secrets: sources.secrets).check(["standard output": Data(text.utf8)], output: "the command's output")
            return text
        }
    }

    // MARK: queries

    /// Hyperstack's images, of one region when given (matched exactly, as Hyperstack names it).
    public static func images(repository: OperationsRepository, region: String?, context: RunContext) async throws(SpotError) -> [HyperstackImage] {
        try await withReader(repository: repository, context: context) { (reader: CloudReader) async throws(SpotError) -> [HyperstackImage] in
            try await readImages(reader, region: region)
        }
    }

    static func readImages(_ reader: CloudReader, region: String?) async throws(SpotError) -> [HyperstackImage] {
        let client = try hyperstack(reader)
        do throws(ClientError) {
            let images = try await client.images()
            return images.filter { region == nil || $0.region == region }
                .sorted { ($0.region, $0.name, $0.id) < ($1.region, $1.name, $1.id) }
        } catch {
            throw failure(error)
        }
    }

    /// One Nova server by UUID or exact name.
    public static func server(_ nameOrID: String, repository: OperationsRepository, context: RunContext) async throws(SpotError) -> ServerDetail {
        try await withReader(repository: repository, context: context) { (reader: CloudReader) async throws(SpotError) -> ServerDetail in
            try await readServer(reader, nameOrID)
        }
    }

    static func readServer(_ reader: CloudReader, _ nameOrID: String) async throws(SpotError) -> ServerDetail {
        do throws(LookupError) {
            return try await reader.novaClient.server(nameOrID)
        } catch {
            throw failure(error)
        }
    }

    /// One Neutron network by id or exact name.
    public static func network(_ nameOrID: String, repository: OperationsRepository, context: RunContext) async throws(SpotError) -> NeutronNetwork {
        try await withReader(repository: repository, context: context) { (reader: CloudReader) async throws(SpotError) -> NeutronNetwork in
            try await readNetwork(reader, nameOrID)
        }
    }

    static func readNetwork(_ reader: CloudReader, _ nameOrID: String) async throws(SpotError) -> NeutronNetwork {
        do throws(LookupError) {
            return try await reader.neutronClient.network(nameOrID)
        } catch {
            throw failure(error)
        }
    }

    /// One Hyperstack firewall with its attachments.
    public static func firewall(_ id: Int, repository: OperationsRepository, context: RunContext) async throws(SpotError) -> HyperstackFirewall {
        try await withReader(repository: repository, context: context) { (reader: CloudReader) async throws(SpotError) -> HyperstackFirewall in
            try await readFirewall(reader, id)
        }
    }

    static func readFirewall(_ reader: CloudReader, _ id: Int) async throws(SpotError) -> HyperstackFirewall {
        let client = try hyperstack(reader)
        do throws(ClientError) {
            return try await client.firewall(id: id)
        } catch {
            throw failure(error, hint: error.isNotFound ? "check the firewall id (sites.*.firewall in spotctl.yaml)" : "check the service named above and try again")
        }
    }

    // MARK: rendering

    /// The images as a table (region, id, name, type, version, size).
    public static func render(images: [HyperstackImage]) -> String {
        var lines = ["REGION\tID\tNAME\tTYPE\tVERSION\tSIZE"]
        for image in images {
            lines.append([image.region, String(image.id), image.name, image.type ?? "", image.version ?? "", image.displaySize ?? ""]
                .joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(images: [HyperstackImage]) -> String {
        encode(images.map { image -> [String: JSONValue] in
            ["id": .int(image.id), "name": .string(image.name), "region": .string(image.region), "type": .optional(image.type),
             "version": .optional(image.version), "size": image.sizeBytes.map(JSONValue.int) ?? .null,
             "display_size": .optional(image.displaySize), "is_public": image.isPublic.map(JSONValue.bool) ?? .null]
        })
    }

    public static func render(server: ServerDetail) -> String {
        var lines = ["id: \(server.id)", "name: \(server.name)", "status: \(server.status)"]
        if let state = server.vmState { lines.append("vm_state: \(state)") }
        if let task = server.taskState { lines.append("task_state: \(task)") }
        lines.append("host: \(server.host ?? "(none)")")
        if let flavor = server.flavor { lines.append("flavor: \(flavor)") }
        if let fault = server.fault { lines.append("fault: \(fault)") }
        lines.append("addresses:" + (server.addresses.isEmpty ? " (none)" : ""))
        for address in server.addresses {
            lines.append("  \(address.network): \(address.ip)" + (address.type.map { " (\($0))" } ?? ""))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(server: ServerDetail) -> String {
        encode([
            "id": .string(server.id), "name": .string(server.name), "status": .string(server.status),
            "vm_state": .optional(server.vmState), "task_state": .optional(server.taskState), "host": .optional(server.host),
            "flavor": .optional(server.flavor), "fault": .optional(server.fault),
            "addresses": .array(server.addresses.map { address in
                .object(["network": .string(address.network), "ip": .string(address.ip), "type": .optional(address.type),
                         "version": address.version.map(JSONValue.int) ?? .null])
            }),
        ] as [String: JSONValue])
    }

    public static func render(network: NeutronNetwork) -> String {
        ["id: \(network.id)", "name: \(network.name)", "status: \(network.status ?? "")", "shared: \(network.shared)",
         "project: \(network.projectID ?? "")", "subnets: \(network.subnets.joined(separator: ", "))"].joined(separator: "\n") + "\n"
    }

    public static func json(network: NeutronNetwork) -> String {
        encode([
            "id": .string(network.id), "name": .string(network.name), "status": .optional(network.status),
            "shared": .bool(network.shared), "project_id": .optional(network.projectID),
            "subnets": .array(network.subnets.map(JSONValue.string)),
        ] as [String: JSONValue])
    }

    public static func render(firewall: HyperstackFirewall) -> String {
        var lines = ["id: \(firewall.id)", "name: \(firewall.name)", "environment: \(firewall.environment ?? "")",
                     "attachments: \(firewall.attachments.count)"]
        for attachment in firewall.attachments {
            lines.append("  \(attachment.vmID)\t\(attachment.vmName)\t\(attachment.status ?? "")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(firewall: HyperstackFirewall) -> String {
        encode([
            "id": .int(firewall.id), "name": .string(firewall.name), "environment": .optional(firewall.environment),
            "attachments": .array(firewall.attachments.map { attachment in
                .object(["vm_id": .int(attachment.vmID), "vm_name": .string(attachment.vmName), "status": .optional(attachment.status)])
            }),
        ] as [String: JSONValue])
    }

    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self) + "\n"
    }
}

extension JSONValue {
    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
}
