/// GPU use of a set of hosts, with the seed's field names.
public struct GPUSummary: Sendable, Hashable, Codable {
    public var gpuUsed: Int
    public var gpuCapacity: Int
    public var hostCount: Int

    public init(gpuUsed: Int = 0, gpuCapacity: Int = 0, hostCount: Int = 0) {
        self.gpuUsed = gpuUsed
        self.gpuCapacity = gpuCapacity
        self.hostCount = hostCount
    }

    public init<S: Sequence>(hosts: S) where S.Element == HostView {
        var summary = GPUSummary()
        for host in hosts { summary.add(host) }
        self = summary
    }

    public mutating func add(_ host: HostView) {
        gpuUsed += host.gpuUsed
        gpuCapacity += host.capacity
        hostCount += 1
    }

    public static func + (lhs: GPUSummary, rhs: GPUSummary) -> GPUSummary {
        GPUSummary(gpuUsed: lhs.gpuUsed + rhs.gpuUsed, gpuCapacity: lhs.gpuCapacity + rhs.gpuCapacity,
                   hostCount: lhs.hostCount + rhs.hostCount)
    }

    /// `"24/80"`.
    public var gpuUsageRatio: String { "\(gpuUsed)/\(gpuCapacity)" }

    /// The usage in tenths of a percent, rounded half up from the integers; 0 when capacity is 0.
    public var usageTenthsOfPercent: Int {
        guard gpuCapacity > 0 else { return 0 }
        // floor(used * 1000 / capacity + 1/2), in integers.
        return (gpuUsed * 2000 + gpuCapacity) / (2 * gpuCapacity)
    }

    /// The usage as a percentage with at most one decimal (48.75% → 48.8).
    public var gpuUsagePercentage: Double { Double(usageTenthsOfPercent) / 10 }

    /// The percentage as text with at most one decimal: `48.8`, `30`.
    public var percentageText: String {
        let tenths = usageTenthsOfPercent
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }

    enum CodingKeys: String, CodingKey {
        case gpuUsed = "gpu_used"
        case gpuCapacity = "gpu_capacity"
        case hostCount = "host_count"
        case gpuUsageRatio = "gpu_usage_ratio"
        case gpuUsagePercentage = "gpu_usage_percentage"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        gpuUsed = try container.decode(Int.self, forKey: .gpuUsed)
        gpuCapacity = try container.decode(Int.self, forKey: .gpuCapacity)
        hostCount = try container.decodeIfPresent(Int.self, forKey: .hostCount) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(gpuUsed, forKey: .gpuUsed)
        try container.encode(gpuCapacity, forKey: .gpuCapacity)
        try container.encode(hostCount, forKey: .hostCount)
        try container.encode(gpuUsageRatio, forKey: .gpuUsageRatio)
        try container.encode(gpuUsagePercentage, forKey: .gpuUsagePercentage)
    }
}
