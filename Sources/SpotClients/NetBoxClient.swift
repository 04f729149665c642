import Foundation
public import SpotCore

/// NetBox's device list. Every device is read (`/api/dcim/devices/?limit=&exclude=config_context`,
/// following `next` until it is null); which devices are GPU servers is decided client-side,
/// because NetBox ANDs different filters and rejects an unknown role slug.
public struct NetBoxClient: Sendable {
    public let credentials: ServiceCredentials
    public let pageSize: Int
    /// The custom fields kept (by name); every other one is dropped as the page is read, so that
    /// a password or a price in a custom field never reaches a snapshot.
    public let customFields: Set<String>
    private let caller: ServiceCaller
    private let redactor: Redactor

    public init(credentials: ServiceCredentials, transport: HTTPTransport, pageSize: Int = 1000,
                customFields: [String] = NetBoxSettings.defaultCustomFields) {
        self.credentials = credentials
        self.pageSize = max(1, pageSize)
        self.customFields = Set(customFields)
        self.caller = ServiceCaller(service: "NetBox", style: .netBox, transport: transport)
        self.redactor = Redactor(secrets: [credentials.key])
        transport.protect([credentials.key])
    }

    /// `Token <key>` for v1 tokens; `Bearer <key>` for NetBox 4.5's v2 tokens (`nbt_<key>.<secret>`).
    static func authorization(_ key: Secret) -> String {
        (key.reveal.hasPrefix("nbt_") ? "Bearer " : "Token ") + key.reveal
    }

    private var headers: [(String, String)] {
        [("Authorization", Self.authorization(credentials.key)), ("Accept", "application/json")]
    }

    /// `{NETBOX_URL}/api/` (kept when the URL already ends in `/api`).
    var apiRoot: String {
        var base = credentials.url
        while base.hasSuffix("/") { base.removeLast() }
        return (base.hasSuffix("/api") ? base : base + "/api") + "/"
    }

    /// Every device. `progress` gets the running count after each page. NetBox caps `limit`
    /// silently at its `MAX_PAGE_SIZE`, so the pages are followed whatever their size; each `next`
    /// link's `limit`/`offset` (or cursor `start`) is re-applied to the configured URL, because
    /// behind a proxy the link can name another host or scheme.
    public func devices(progress: (@Sendable (Int) -> Void)? = nil) async throws(ClientError) -> [NetBoxDevice] {
        let base = apiRoot + "dcim/devices/"
        let query = [("limit", String(pageSize)), ("exclude", "config_context")]
        var url = URLText.with(base, query: query)
        var seen: Set<String> = [url]
        var devices: [NetBoxDevice] = []
        while true {
            let response = try await caller.call("GET", url, headers: headers, redactor: redactor)
            let page = try caller.decode(DevicePage.self, from: response, method: "GET", url: url, redactor: redactor)
            devices += page.results.map { $0.model(keeping: customFields) }
            progress?(devices.count)
            guard let link = page.next, !page.results.isEmpty else {
                // NetBox counts every device the query matches (null in cursor mode): a listing
                // that ends with another number lost or gained pages on the way.
                if let count = page.count, count != devices.count {
                    throw ClientError(service: "NetBox", method: "GET", path: redactor.redact(HTTPTransport.pathAndQuery(url)),
                                      status: response.status,
                                      message: "NetBox counts \(count) devices but the listing returned \(devices.count): a page was lost, or devices changed while they were read; run it again", attempts: 1)
                }
                break
            }
            guard let next = URLText.nextPage(base: base, ownQuery: query, link: link) else {
                throw ClientError(service: "NetBox", method: "GET", path: redactor.redact(HTTPTransport.pathAndQuery(url)),
                                  status: response.status, message: redactor.redact(URLText.unusableNextLink(link)), attempts: 1)
            }
            guard seen.insert(next).inserted else {
                throw ClientError(service: "NetBox", method: "GET", path: HTTPTransport.pathAndQuery(next), status: response.status,
                                  message: "the next link leads back to a page already read", attempts: 1)
            }
            url = next
        }
        return devices
    }
}

// MARK: wire types (only the fields the model keeps are decoded: no config or local context)

private struct DevicePage: Decodable {
    let count: Int?
    let next: String?
    let results: [DeviceWire]
}

private struct NamedRef: Decodable {
    let name: String?
    let slug: String?
    let display: String?

    var model: NetBoxRef {
        let name = self.name ?? display ?? slug ?? ""
        return NetBoxRef(slug: slug ?? name, name: name)
    }
}

private struct Choice: Decodable {
    let value: String?
    let label: String?

    init(from decoder: any Decoder) throws {
        // A choice object ({"value", "label"}), or a bare value as older NetBox wrote it.
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            value = text
            label = nil
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        value = try? c.decodeIfPresent(String.self, forKey: .value)
        label = try? c.decodeIfPresent(String.self, forKey: .label)
    }

    enum CodingKeys: String, CodingKey { case value, label }
}

private struct DeviceWire: Decodable {
    let id: Int
    let name: String?
    let displayURL: String?
    let status: Choice?
    let tenant: NamedRef?
    let role: NamedRef?
    let deviceRole: NamedRef?
    let site: NamedRef?
    let rack: NamedRef?
    let tags: [NamedRef]?
    let customFields: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case id, name, status, tenant, role, site, rack, tags
        case displayURL = "display_url"
        case deviceRole = "device_role"
        case customFields = "custom_fields"
    }

    /// The device with only the allowed custom fields.
    func model(keeping allowed: Set<String>) -> NetBoxDevice {
        NetBoxDevice(id: id, name: name ?? "", webURL: displayURL, status: status?.value ?? "", statusLabel: status?.label,
                     tenant: tenant?.model, role: (role ?? deviceRole)?.model, site: site?.model, rack: rack?.model.name,
                     tags: (tags ?? []).map(\.model), customFields: (customFields ?? [:]).filter { allowed.contains($0.key) })
    }
}
