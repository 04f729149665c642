/// A Hyperstack virtual machine, reduced to an allow-list of fields (never `user_data`, key
/// material or security rules): what the snapshot keeps and what a launch reads back.
public struct HyperstackVM: Sendable, Hashable, Codable {
    public var id: Int
    public var name: String
    /// `CREATING`, `BUILD`, `ACTIVE`, `ERROR`, `SHUTOFF`, …
    public var status: String
    public var environment: String
    public var region: String?
    public var flavor: String
    public var image: String?
    public var keyName: String?
    public var fixedIP: String?
    public var floatingIP: String?
    public var createdAt: String?
    /// The OpenStack (Nova) server this VM is, found by exact name or id; nil when not found or
    /// not looked up.
    public var serverID: String?

    public init(id: Int, name: String, status: String, environment: String, region: String? = nil, flavor: String,
                image: String? = nil, keyName: String? = nil, fixedIP: String? = nil, floatingIP: String? = nil,
                createdAt: String? = nil, serverID: String? = nil) {
        self.id = id
        self.name = name
        self.status = status
        self.environment = environment
        self.region = region
        self.flavor = flavor
        self.image = image
        self.keyName = keyName
        self.fixedIP = fixedIP
        self.floatingIP = floatingIP
        self.createdAt = createdAt
        self.serverID = serverID
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status, environment, region, flavor, image
        case keyName = "key_name"
        case fixedIP = "fixed_ip"
        case floatingIP = "floating_ip"
        case createdAt = "created_at"
        case serverID = "server_id"
    }
}
