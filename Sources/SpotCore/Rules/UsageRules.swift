/// How many GPUs a flavor holds and which servers hold them.
public enum UsageRules {
    /// The GPU count of a flavor: from its extra specs when they say (`pci_passthrough:alias` such as
    /// `a100:8`, several aliases adding up; `resources:VGPU`), else from its name (`n3-L40x4` → 4,
    /// `n3-RTX-A6000x1-spot` → 1, `n3-H100x8-NVLink` → 8, `n3-L40-8` → 8), else 0.
    public static func gpuCount(flavorName: String, extraSpecs: [String: String]?) -> Int {
        if let extraSpecs, let count = gpuCount(extraSpecs: extraSpecs) { return count }
        return gpuCount(flavorName: flavorName)
    }

    /// The count the extra specs give, or nil when they say nothing about GPUs.
    public static func gpuCount(extraSpecs: [String: String]) -> Int? {
        var total = 0
        var found = false
        if let alias = extraSpecs["pci_passthrough:alias"] {
            for entry in alias.split(separator: ",") {
                let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 2, let count = Int(parts[1].trimmingWhitespaceSubstring()) else { continue }
                total += count
                found = true
            }
        }
        if let vgpu = extraSpecs["resources:VGPU"], let count = Int(vgpu.trimmingWhitespace()) {
            total += count
            found = true
        }
        return found ? total : nil
    }

    /// The count a flavor's name gives: digits right after an `x` that ends the type part, or a
    /// trailing `-<digits>`, once trailing `-letters` suffixes (`-spot`, `-NVLink`) are set aside.
    public static func gpuCount(flavorName: String) -> Int {
        var name = Substring(flavorName)
        // Set aside trailing suffixes made of letters only.
        while let dash = name.lastIndex(of: "-") {
            let suffix = name[name.index(after: dash)...]
            guard !suffix.isEmpty, suffix.allSatisfy({ $0.isASCII && $0.isLetter }) else { break }
            name = name[..<dash]
        }
        let digits = name.reversed().prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let count = Int(String(digits.reversed())) else { return 0 }
        let beforeDigits = name.index(name.endIndex, offsetBy: -digits.count)
        guard beforeDigits > name.startIndex else { return 0 }
        let marker = name[name.index(before: beforeDigits)]
        if marker == "-" { return count }
        if marker == "x" || marker == "X" {
            // The `x` must end a type part: something alphanumeric stands before it.
            let markerIndex = name.index(before: beforeDigits)
            guard markerIndex > name.startIndex else { return 0 }
            let typeEnd = name[name.index(before: markerIndex)]
            return typeEnd.isLetter || typeEnd.isNumber ? count : 0
        }
        return 0
    }

    /// Nova states in which a server no longer holds its host's resources.
    public static let statesWithoutResources: Set<String> = ["DELETED", "SOFT_DELETED", "SHELVED_OFFLOADED"]
    static let vmStatesWithoutResources: Set<String> = ["deleted", "soft-delete", "soft_deleted", "shelved_offloaded"]

    /// Whether a server holds resources (and so GPUs) on its host: deleted, soft-deleted and
    /// shelved-offloaded servers do not; ACTIVE, BUILD, SHUTOFF, PAUSED, SUSPENDED, SHELVED, ERROR
    /// (with a host) and the like do.
    public static func holdsResources(_ server: Server) -> Bool {
        holdsResources(host: server.host, status: server.status, vmState: server.vmState)
    }

    /// The same rule on the fields it reads (for readers that do not build a `Server`).
    public static func holdsResources(host: String?, status: String, vmState: String?) -> Bool {
        guard host != nil else { return false }
        if statesWithoutResources.contains(status.uppercased()) { return false }
        if let vmState, vmStatesWithoutResources.contains(vmState.lowercased()) { return false }
        return true
    }
}

extension Substring {
    func trimmingWhitespaceSubstring() -> String { String(self).trimmingWhitespace() }
}
