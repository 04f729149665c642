public import SpotCore

extension NovaClient {
    /// The servers of one compute host, all projects (`/servers/detail?all_tenants=1&host=H`,
    /// paged): one request for a host with fewer servers than a page. `apply` asks this for the
    /// few hosts a change empties, where the whole listing would take more requests.
    public func servers(onHost host: String) async throws(ClientError) -> [Server] {
        let version = try await Version(microversion()) ?? Version(2, 1)
        var flavorsByID: [String: Flavor] = [:]
        if version < Version(2, 47) {
            for flavor in try await flavors() { flavorsByID[flavor.id] = flavor }
        }
        let wires = try await paged("servers/detail", query: [("all_tenants", "1"), ("host", host), ("limit", String(pageSize))],
                                    ServerPage.self, progress: nil)
        return wires.map { $0.model(flavorsByID: flavorsByID) }
    }
}
