import Foundation

/// The pool a GPU host is in. Every host is in exactly one.
public enum Pool: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    case ondemand
    case spot
    case runpod
    case contract
    case outofstock

    /// The four pools that are in service (the type overview sums these only).
    public static let inService: [Pool] = [.ondemand, .spot, .runpod, .contract]

    /// When a host is in GPU-pool aggregates of two pools of one type, the first of these wins.
    public static let precedence: [Pool] = [.contract, .runpod, .spot, .ondemand]

    /// How people write the pool on the dashboard.
    public var label: String {
        switch self {
        case .ondemand: return "On-Demand"
        case .spot: return "Spot"
        case .runpod: return "RunPod"
        case .contract: return "Contracts"
        case .outofstock: return "Out of Stock"
        }
    }

    /// The key of this pool in the seed's `aggregates/<type>` response.
    public var apiKey: String {
        self == .contract ? "contracts" : rawValue
    }

    public var description: String { rawValue }

    public static func < (lhs: Pool, rhs: Pool) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Parses a pool name as operators write it (`ondemand`, `on-demand`, `spot`, `contracts`, ...).
    public init?(userText: String) {
        switch userText.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "") {
        case "ondemand": self = .ondemand
        case "spot": self = .spot
        case "runpod": self = .runpod
        case "contract", "contracts": self = .contract
        case "outofstock": self = .outofstock
        default: return nil
        }
    }
}
