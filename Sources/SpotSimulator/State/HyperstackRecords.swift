import Foundation

/// What the simulated Hyperstack was asked to change, in order, so that tests can assert "exactly
/// one VM was made" and "the firewall list was never shortened": every VM a create call made
/// (not the calls refused), and every accepted `update-attachments` write with the firewall's
/// attachments before and after it. `GET /__sim/hyperstack/records` serves the same.
public struct HyperstackRecords: Sendable, Hashable {
    /// One VM made by `POST /core/virtual-machines`.
    public struct VMCreate: Sendable, Hashable {
        public let id: Int
        public let name: String
    }

    /// One accepted `POST /core/firewalls/{id}/update-attachments`.
    public struct FirewallWrite: Sendable, Hashable {
        public let firewall: Int
        /// The attachments (VM ids) before the write.
        public let before: [Int]
        /// The whole list written (duplicates removed), which is the attachments after it.
        public let vms: [Int]

        /// VMs that were attached before and are not in the written list.
        public var detached: [Int] { before.filter { !vms.contains($0) } }
    }

    public internal(set) var vmCreates: [VMCreate] = []
    public internal(set) var firewallWrites: [FirewallWrite] = []

    public init() {}

    var json: JSON {
        .object([
            ("vm_creates", .array(vmCreates.map { ["id": .int($0.id), "name": .string($0.name)] })),
            ("firewall_writes", .array(firewallWrites.map { write in
                ["firewall": .int(write.firewall), "before": .array(write.before.map(JSON.int)),
                 "vms": .array(write.vms.map(JSON.int))]
            })),
        ])
    }
}

extension CloudState {
    /// The VMs made and firewall writes accepted so far.
    public func hyperstackRecords() -> HyperstackRecords { records }

    func recordVMCreates(_ made: [HyperstackRecords.VMCreate]) {
        records.vmCreates += made
    }

    func recordFirewallWrite(_ write: HyperstackRecords.FirewallWrite) {
        records.firewallWrites.append(write)
    }
}
