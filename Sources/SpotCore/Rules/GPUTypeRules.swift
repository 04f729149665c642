/// What an aggregate is, by its name and the configuration.
public enum AggregateKind: Sendable, Hashable {
    /// A GPU-pool aggregate of one type and pool (`L40-n3-spot`). `nvlink` marks NVLink variants.
    case gpuPool(type: String, pool: Pool, nvlink: Bool)
    /// A name that matches a pool's pattern but mentions no known GPU type (`Contract-Foo`).
    case unknownType(pool: Pool)
    /// A testing aggregate (its name holds a testing marker such as `tempest`).
    case testing
    /// Any other aggregate: availability zones, host groups.
    case other
}

/// The GPU-type rules: NetBox tags to canonical types, aggregate names to (type, pool), GPU-server
/// detection. Built once from the configuration; every output reads its answers.
public struct GPUTypeRules: Sendable {
    public let configuration: Configuration
    private let typeByTagSlug: [String: String]
    private let typesLongestFirst: [String]
    private let gpuRoleSlugs: Set<String>
    private let excludedTagSlugs: Set<String>
    private let nvlinkTagSlugs: Set<String>

    public init(configuration: Configuration) {
        self.configuration = configuration
        var byTag: [String: String] = [:]
        for type in configuration.gpuTypes {
            for tag in type.tags { byTag[Slug.make(tag)] = type.name }
        }
        typeByTagSlug = byTag
        typesLongestFirst = configuration.gpuTypes.map(\.name).sorted { ($0.count, $1) > ($1.count, $0) }
        gpuRoleSlugs = Set(configuration.gpuServers.roles.map(Slug.make))
        excludedTagSlugs = Set(configuration.gpuServers.excludedTags.map(Slug.make))
        nvlinkTagSlugs = Set(configuration.nvlink.tags.map(Slug.make))
    }

    // MARK: NetBox tags and roles

    /// The canonical type a NetBox tag identifies (by its name or its slug, any case).
    public func type(forTag tag: NetBoxRef) -> String? {
        typeByTagSlug[Slug.make(tag.name)] ?? typeByTagSlug[Slug.make(tag.slug)]
    }

    /// The distinct types a device's tags identify, sorted.
    public func types(forTags tags: [NetBoxRef]) -> [String] {
        Array(Set(tags.compactMap(type(forTag:)))).sorted()
    }

    private func hasTag(_ tags: [NetBoxRef], in slugs: Set<String>) -> Bool {
        tags.contains { slugs.contains(Slug.make($0.name)) || slugs.contains(Slug.make($0.slug)) }
    }

    /// Whether a NetBox device is a GPU server: not an unpopulated chassis, and a tag names a GPU
    /// type or its role is a GPU-server role.
    public func isGPUServer(_ device: NetBoxDevice) -> Bool {
        if hasTag(device.tags, in: excludedTagSlugs) { return false }
        if !types(forTags: device.tags).isEmpty { return true }
        guard let role = device.role else { return false }
        return gpuRoleSlugs.contains(Slug.make(role.name)) || gpuRoleSlugs.contains(Slug.make(role.slug))
    }

    /// Whether a host has NVLink, the one rule every output reads: the device's boolean custom
    /// field (`nvlink.custom_field`, default `NVLinks`; present and null means false) decides when
    /// the device has it; without it, an NVLink tag; then membership of an NVLink aggregate.
    public func nvlink(device: NetBoxDevice?, inNVLinkAggregate: Bool) -> Bool {
        if let device, let field = configuration.nvlink.customField, let value = device.customFields[field] {
            switch value {
            case .bool(let flag): return flag
            case .null: return false
            case .string(let text): return ["true", "yes", "1"].contains(text.lowercased())
            case .int(let number): return number != 0
            default: return false
            }
        }
        if let device, hasNVLinkTag(device) { return true }
        return inNVLinkAggregate
    }

    public func hasNVLinkTag(_ device: NetBoxDevice) -> Bool {
        hasTag(device.tags, in: nvlinkTagSlugs)
    }

    // MARK: aggregate names

    public func isTesting(aggregate name: String) -> Bool {
        let lowered = name.lowercased()
        return configuration.outOfStock.testingMarkers.contains { !$0.isEmpty && lowered.contains($0.lowercased()) }
    }

    /// Classifies an aggregate by name. Testing markers win; then patterns naming `<TYPE>` (the
    /// longest matching type first, pools in the order on-demand, spot, RunPod, contract); then
    /// patterns without `<TYPE>`, whose type is the longest type the name mentions as a token.
    public func kind(ofAggregate name: String) -> AggregateKind {
        if isTesting(aggregate: name) { return .testing }
        let aggregates = configuration.aggregates
        for type in typesLongestFirst {
            for pool in Pool.inService {
                if aggregates.patterns(for: pool).contains(where: { $0.usesType && $0.matches(name, type: type) }) {
                    return .gpuPool(type: type, pool: pool, nvlink: isNVLinkAggregate(name, type: type))
                }
            }
        }
        for pool in Pool.inService {
            if aggregates.patterns(for: pool).contains(where: { !$0.usesType && $0.matches(name) }) {
                guard let type = typeMentioned(in: name) else { return .unknownType(pool: pool) }
                return .gpuPool(type: type, pool: pool, nvlink: isNVLinkAggregate(name, type: type))
            }
        }
        return .other
    }

    private func isNVLinkAggregate(_ name: String, type: String) -> Bool {
        configuration.nvlink.aggregates.contains { $0.matches(name, type: type) }
    }

    /// The longest canonical type that `name` mentions as a whole token: bounded on the left by the
    /// start, `-`, `_` or a `<digits>x` prefix, on the right by the end, `-` or `_` (any case).
    /// `Contract-Helix-384xH100-SXM5` mentions H100-SXM5; `A40` is not found in `A4000`.
    public func typeMentioned(in name: String) -> String? {
        let haystack = Array(name.lowercased().unicodeScalars)
        for type in typesLongestFirst {
            let needle = Array(type.lowercased().unicodeScalars)
            guard !needle.isEmpty, needle.count <= haystack.count else { continue }
            for start in 0...(haystack.count - needle.count) where Array(haystack[start..<start + needle.count]) == needle {
                let end = start + needle.count
                let rightOK = end == haystack.count || haystack[end] == "-" || haystack[end] == "_"
                if rightOK && Self.leftBoundary(haystack, before: start) { return type }
            }
        }
        return nil
    }

    private static func leftBoundary(_ text: [Unicode.Scalar], before index: Int) -> Bool {
        if index == 0 { return true }
        let previous = text[index - 1]
        if previous == "-" || previous == "_" { return true }
        guard previous == "x" else { return false }
        // A `<digits>x` prefix, itself bounded on the left.
        var cursor = index - 2
        var digits = 0
        while cursor >= 0, ("0"..."9").contains(text[cursor]) {
            digits += 1
            cursor -= 1
        }
        guard digits > 0 else { return false }
        return cursor < 0 || text[cursor] == "-" || text[cursor] == "_"
    }
}
