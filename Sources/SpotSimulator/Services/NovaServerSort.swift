import Foundation

/// `sort_key`/`sort_dir` of `/servers` and `/servers/detail`, as Nova reads them
/// (`nova/api/openstack/common.py` `get_sort_params`, the servers query schema's sort-key enum,
/// `remove_invalid_sort_keys`, and the database's `process_sort_params`):
///
/// - `sort_key` may repeat; every value must be one of Nova's valid keys for the microversion, or
///   the request is a 400 from the query schema. Below 2.75 some keys are accepted but ignored
///   (`SERVER_LIST_IGNORE_SORT_KEY`: `id`, `deleted`, `vcpus`, …; `locked` until 2.73).
/// - `sort_dir` may repeat; each must be `asc` or `desc` (400 otherwise), a key without its own
///   direction takes the first one, more directions than keys is a 400. No `sort_dir` means `desc`,
///   no `sort_key` means `created_at`.
/// - Nova appends its default keys `created_at` and `id` in the first direction, so the order is
///   total; the simulator's stand-in for Nova's integer `id` is the uuid.
struct ServerSort: Hashable, Sendable {
    struct Key: Hashable, Sendable {
        let field: ServerSortField
        let ascending: Bool
    }

    /// The requested keys the simulator implements, in order.
    let keys: [Key]
    /// The direction of the default keys appended after the requested ones (the first `sort_dir`).
    let tiebreakAscending: Bool

    init(keys: [Key], tiebreakAscending: Bool) {
        var unique: [Key] = []
        for key in keys where !unique.contains(where: { $0.field == key.field }) { unique.append(key) }
        self.keys = unique
        self.tiebreakAscending = tiebreakAscending
    }

    /// Nova's default order: newest first (created descending, then id descending).
    static let newestFirst = ServerSort(keys: [], tiebreakAscending: false)

    /// The same keys, every direction the other way.
    var reversed: ServerSort {
        ServerSort(keys: keys.map { Key(field: $0.field, ascending: !$0.ascending) }, tiebreakAscending: !tiebreakAscending)
    }

    /// The keys to compare, Nova's defaults included.
    var effectiveKeys: [Key] {
        var all = keys
        for field in [ServerSortField.createdAt, .uuid] where !all.contains(where: { $0.field == field }) {
            all.append(Key(field: field, ascending: tiebreakAscending))
        }
        return all
    }

    // MARK: Nova's valid keys

    /// Nova's `VALID_SORT_KEYS` enum (before 2.73), in Nova's order.
    static let validKeys: [String] = [
        "access_ip_v4", "access_ip_v6", "auto_disk_config", "availability_zone", "config_drive", "created_at",
        "display_description", "display_name", "host", "hostname", "image_ref", "instance_type_id", "kernel_id",
        "key_name", "launch_index", "launched_at", "locked_by", "node", "power_state", "progress", "project_id",
        "ramdisk_id", "root_device_name", "task_state", "terminated_at", "updated_at", "user_id", "uuid", "vm_state",
    ] + ignoredKeys

    /// `SERVER_LIST_IGNORE_SORT_KEY`: accepted by the schema for compatibility but dropped
    /// silently (with their direction); from 2.75 they are rejected like any unknown key.
    static let ignoredKeys: [String] = [
        "architecture", "cell_name", "cleaned", "default_ephemeral_device", "default_swap_device", "deleted",
        "deleted_at", "disable_terminate", "ephemeral_gb", "ephemeral_key_uuid", "id", "key_data", "launched_on",
        "locked", "memory_mb", "os_type", "reservation_id", "root_gb", "shutdown_terminate", "user_data", "vcpus",
        "vm_mode",
    ]

    /// The keys the query schema accepts at a microversion (2.73 made `locked` a real key, 2.75
    /// dropped the ignored ones), in the order Nova's error message lists them.
    static func valid(at version: Microversion) -> [String] {
        let real = validKeys.filter { !ignoredKeys.contains($0) }
        if version.atLeast(2, 75) { return ["locked"] + real }
        if version.atLeast(2, 73) { return ["locked"] + real + ignoredKeys.filter { $0 != "locked" } }
        return validKeys
    }

    /// The keys dropped silently at a microversion.
    static func ignored(at version: Microversion) -> Set<String> {
        if version.atLeast(2, 75) { return [] }
        if version.atLeast(2, 73) { return Set(ignoredKeys.filter { $0 != "locked" }) }
        return Set(ignoredKeys)
    }

    /// The order a listing asks for, or the `NovaFault` Nova answers.
    static func parse(keys requestedKeys: [String], dirs requestedDirs: [String], version: Microversion) throws -> ServerSort {
        guard !requestedKeys.isEmpty || !requestedDirs.isEmpty else { return .newestFirst }
        let valid = valid(at: version)
        let allowed = Set(valid)
        for key in requestedKeys where !allowed.contains(key) {
            let list = valid.map { "'\($0)'" }.joined(separator: ", ")
            throw NovaFault(400, "Invalid input for query parameters sort_key. Value: \(key). '\(key)' is not one of [\(list)]")
        }
        // get_sort_params: values are stripped; the defaults are created_at and desc.
        var keys = requestedKeys.map { $0.trimmingCharacters(in: .whitespaces) }
        var dirs = requestedDirs.map { $0.trimmingCharacters(in: .whitespaces) }
        if keys.isEmpty { keys = ["created_at"] }
        if dirs.isEmpty { dirs = ["desc"] }
        // remove_invalid_sort_keys: an ignored key goes, and its direction if it has one.
        let ignored = ignored(at: version)
        for key in keys where ignored.contains(key) {
            guard let index = keys.firstIndex(of: key) else { continue }
            if dirs.count > index { dirs.remove(at: index) }
            keys.remove(at: index)
        }
        // Every key ignored: Nova's default order (the simulator does not reproduce what an empty
        // key list does further down in Nova).
        guard !keys.isEmpty else { return .newestFirst }
        // process_sort_params.
        for dir in dirs where dir != "asc" && dir != "desc" {
            throw NovaFault(400, "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'")
        }
        let first = dirs.first ?? "desc"
        while dirs.count < keys.count { dirs.append(first) }
        guard dirs.count == keys.count else {
            throw NovaFault(400, "Invalid input received: Sort direction size exceeds sort key size")
        }
        // A key Nova accepts but the simulator does not implement (`node`, `availability_zone`,
        // `access_ip_v4`, …) is left out: the listing is in the order of the remaining keys and
        // Nova's default keys, as if every server had the same value for it.
        let implemented = zip(keys, dirs).compactMap { key, dir in
            ServerSortField(rawValue: key).map { Key(field: $0, ascending: dir == "asc") }
        }
        return ServerSort(keys: implemented, tiebreakAscending: first == "asc")
    }
}

/// The server attributes the simulator can sort by, named as Nova's sort keys.
enum ServerSortField: String, Hashable, Sendable {
    case uuid
    case createdAt = "created_at"
    case updatedAt = "updated_at"
    case launchedAt = "launched_at"
    case displayName = "display_name"
    case hostname
    case host
    case projectID = "project_id"
    case userID = "user_id"
    case vmState = "vm_state"
    case taskState = "task_state"
    case powerState = "power_state"
    case keyName = "key_name"
    case imageRef = "image_ref"
    case locked

    /// The server's value for this key. Uuids compare lowercased, as the database orders
    /// canonical uuids; a missing value (NULL) sorts first ascending and last descending.
    func value(of server: ServerSpec) -> ServerSortValue {
        switch self {
        case .uuid: return .text(server.id.lowercased())
        case .createdAt: return .text(server.created)
        case .updatedAt: return .text(server.updated)
        case .launchedAt: return server.status != "BUILD" && server.host != nil ? .text(server.created) : .null
        case .displayName: return .text(server.name)
        case .hostname: return .text(NovaHandler.hostname(server.name))
        case .host: return server.host.map(ServerSortValue.text) ?? .null
        case .projectID: return .text(server.projectID)
        case .userID: return .text(server.userID)
        case .vmState: return .text(server.vmState)
        case .taskState: return server.taskState.map(ServerSortValue.text) ?? .null
        case .powerState: return .number(server.powerState)
        case .keyName: return server.keyName.map(ServerSortValue.text) ?? .null
        case .imageRef: return .text(server.imageID ?? "")
        case .locked: return .number(server.locked ? 1 : 0)
        }
    }
}

/// A sort value: NULL before numbers before text (a column holds one kind).
enum ServerSortValue: Comparable, Sendable {
    case null
    case number(Int)
    case text(String)
}
