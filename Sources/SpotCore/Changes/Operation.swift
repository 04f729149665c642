import Foundation
import SpotSupport

/// One by-hand operation of a change file (SPEC section 5): attach a network to a server, create a
/// port, or add VMs to a Hyperstack firewall. The same steps a launch takes, with the same checks.
public struct OperationRequest: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// `attachments: [{server, network}]`: a port `<server>-<network>` on the network, created
        /// or reused, attached to the server (the port's name makes the step idempotent).
        case attachment(server: String, network: String)
        /// `attachments: [{server, port}]`: an existing port (by id) attached to the server;
        /// nothing is done when it is attached to it already.
        case portAttachment(server: String, port: String)
        /// `ports: [{network, name}]`: created, or reused when one of exactly that name exists.
        case port(network: String, name: String)
        /// `firewall_attachments: [{firewall, vms}]`: added to the firewall's list; never detaches.
        case firewall(id: Int, vms: [Int])
    }

    public var kind: Kind
    public var position: SourcePosition

    public init(kind: Kind, position: SourcePosition = SourcePosition(line: 1, column: 1)) {
        self.kind = kind
        self.position = position
    }

    /// The name the operation is logged and reported under.
    public var subject: String {
        switch kind {
        case .attachment(let server, let network): return "\(server) on \(network)"
        case .portAttachment(let server, let port): return "\(server) + port \(port)"
        case .port(let network, let name): return "port \(name) on \(network)"
        case .firewall(let id, let vms): return "firewall \(id) + VMs \(vms.map(String.init).joined(separator: ", "))"
        }
    }

    /// The equivalent command, shell-quoted (the firewall's with the key masked).
    public func command(hyperstackURL: String = "https://infrahub-api.nexgencloud.com/v1", hyperstackKey: String? = nil) -> String {
        switch kind {
        case .attachment(let server, let network):
            return "openstack server add network \(shellQuote(server)) \(shellQuote(network))"
        case .portAttachment(let server, let port):
            return "openstack server add port \(shellQuote(server)) \(shellQuote(port))"
        case .port(let network, let name):
            return "openstack port create --network \(shellQuote(network)) \(shellQuote(name))"
        case .firewall(let id, let vms):
            let url = (hyperstackURL.hasSuffix("/") ? String(hyperstackURL.dropLast()) : hyperstackURL) + "/core/firewalls/\(id)/update-attachments"
            return "curl -X POST \(shellQuote(url)) -H \(shellQuote("api_key: " + LaunchPlanner.mask(hyperstackKey)))"
                + " -d \(shellQuote("{\"vms\": [<current>, \(vms.map(String.init).joined(separator: ", "))]}"))"
        }
    }
}

/// An operation checked against a snapshot.
public struct PlannedOperation: Sendable, Hashable {
    public var request: OperationRequest
    public var file: String
    public var command: String
    public var problems: [ChangeProblem]
    public var warnings: [ChangeProblem]
    public var isValid: Bool { problems.isEmpty }

    /// Checks what the snapshot knows: the server exists by exact name or id (once); a firewall is
    /// one the snapshot reads (the sites' firewalls), else a warning. Networks are not in the
    /// snapshot: apply finds them (not found and several found are different errors).
    public static func plan(_ request: OperationRequest, file: String, cloud: CloudView, launch: LaunchContext) -> PlannedOperation {
        var planned = PlannedOperation(request: request, file: file,
                                       command: request.command(hyperstackURL: launch.hyperstackURL, hyperstackKey: launch.hyperstackKey),
                                       problems: [], warnings: [])
        func problem(_ severity: ChangeProblem.Severity, _ message: String, _ hint: String? = nil) -> ChangeProblem {
            ChangeProblem(severity, file: file, line: request.position.line, column: request.position.column, message: message, hint: hint)
        }
        switch request.kind {
        case .attachment(let server, _), .portAttachment(let server, _):
            let matches = cloud.facts.servers.filter { $0.name == server || $0.id == server }
            if matches.isEmpty {
                planned.problems.append(problem(.error, "no server named \(server) in the snapshot (exact name or id)",
                                                "spotctl server show \(shellQuote(server)) looks it up live"))
            } else if matches.count > 1 {
                planned.problems.append(problem(.error, "\(matches.count) servers are named \(server) (\(matches.map(\.id).joined(separator: ", ")))",
                                                "name the server by its id"))
            }
        case .port:
            break
        case .firewall(let id, let vms):
            if vms.isEmpty { planned.problems.append(problem(.error, "vms: is empty; name the VM ids to add")) }
            if let firewalls = cloud.facts.firewalls, !firewalls.contains(where: { $0.id == id }) {
                planned.warnings.append(problem(.warning, "firewall \(id) is not in the snapshot (it reads the sites' firewalls); apply reads it live"))
            }
        }
        return planned
    }
}
