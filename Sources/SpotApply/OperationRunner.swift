public import Foundation
public import SpotClients
public import SpotCore

/// Runs a by-hand operation of a change file (docs/change-files.md), each step idempotent:
/// a port is created only when none of exactly its name exists on the network; an attachment
/// creates or reuses the port `<server>-<network>` and attaches it unless it is attached (Nova's
/// "not ready" 409 retried, nothing else); a firewall attachment reads the list, adds the VMs,
/// writes the whole list once and reads it back (a failed read writes nothing).
public struct OperationRunner: Sendable {
    public let hyperstack: HyperstackClient?
    public let nova: NovaClient
    public let neutron: NeutronClient
    public var attachPolicy = AttachRetryPolicy()
    public var sleep: @Sendable (Double) async -> Void = { seconds in
        _ = try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
    }
    /// The time of day a step starts, for its log entry (apply passes its run's clock).
    public var now: @Sendable () -> Date = { Date() }

    public init(hyperstack: HyperstackClient?, nova: NovaClient, neutron: NeutronClient) {
        self.hyperstack = hyperstack
        self.nova = nova
        self.neutron = neutron
    }

    private struct Failure: Error { let message: String }

    /// The steps as they went, and why it stopped (nil when done).
    public func run(_ operation: PlannedOperation) async -> (steps: [LaunchRunner.StepRecord], failure: String?) {
        var steps: [LaunchRunner.StepRecord] = []
        var started = now()
        var clock = ContinuousClock.now
        func record(_ kind: LaunchStep.Kind, _ output: String, skipped: Bool, status: CommandLogEntry.Status = .success) {
            steps.append(LaunchRunner.StepRecord(kind: kind, command: operation.command, status: status, output: output, skipped: skipped,
                                                 started: started, seconds: LaunchRunner.seconds(since: clock)))
            started = now()
            clock = ContinuousClock.now
        }
        do throws(Failure) {
            switch operation.request.kind {
            case .port(let network, let name):
                let (output, skipped) = try await port(name: name, network: network)
                record(.createPort, output, skipped: skipped)
            case .attachment(let serverName, let network):
                let server: ServerDetail
                do { server = try await nova.server(serverName) } catch { throw Failure(message: "\(error)") }
                let (portOutput, portSkipped, portID) = try await portWithID(name: "\(server.name)-\(network)", network: network)
                record(.createPort, portOutput, skipped: portSkipped)
                let attached = try await call { () throws(ClientError) in try await nova.interfaces(serverID: server.id) }
                if attached.contains(portID) {
                    record(.attachPort, "already attached: port \(portID)", skipped: true)
                } else {
                    let policy = attachPolicy
                    let sleep = self.sleep
                    _ = try await call { () throws(ClientError) in try await nova.attachPort(portID, toServer: server.id, policy: policy, sleep: sleep) }
                    record(.attachPort, "attached port \(portID) to server \(server.id)", skipped: false)
                }
            case .portAttachment(let serverName, let portID):
                let server: ServerDetail
                do { server = try await nova.server(serverName) } catch { throw Failure(message: "\(error)") }
                let port: NeutronPort
                do { port = try await neutron.port(id: portID) } catch { throw Failure(message: "\(error)") }
                if port.deviceID == server.id {
                    record(.attachPort, "already attached: port \(portID) to server \(server.id)", skipped: true)
                } else if !port.deviceID.isEmpty {
                    throw Failure(message: "port \(portID) is attached to another device (\(port.deviceID)); detach it there first, then run spotctl apply again")
                } else {
                    let policy = attachPolicy
                    let sleep = self.sleep
                    _ = try await call { () throws(ClientError) in try await nova.attachPort(portID, toServer: server.id, policy: policy, sleep: sleep) }
                    record(.attachPort, "attached port \(portID) to server \(server.id)", skipped: false)
                }
            case .firewall(let id, let vms):
                guard let hyperstack else { throw Failure(message: "Hyperstack is not configured (HYPERSTACK_API_KEY)") }
                let result = try await call { () throws(ClientError) in try await hyperstack.attachToFirewall(id: id, vms: vms) }
                record(.addToFirewall, result.wrote ? "added to firewall \(id) (\(result.attachments.count) VMs)" : "already in firewall \(id)",
                       skipped: !result.wrote)
            }
        } catch {
            let kind: LaunchStep.Kind
            switch operation.request.kind {
            case .port: kind = .createPort
            case .attachment: kind = steps.isEmpty ? .createPort : .attachPort
            case .portAttachment: kind = .attachPort
            case .firewall: kind = .addToFirewall
            }
            record(kind, error.message, skipped: false, status: .error)
            return (steps, error.message)
        }
        return (steps, nil)
    }

    private func port(name: String, network: String) async throws(Failure) -> (String, Bool) {
        let (output, skipped, _) = try await portWithID(name: name, network: network)
        return (output, skipped)
    }

    private func portWithID(name: String, network networkName: String) async throws(Failure) -> (String, Bool, String) {
        let network: NeutronNetwork
        do { network = try await neutron.network(networkName) } catch { throw Failure(message: "\(error)") }
        let existing = try await call { () throws(ClientError) in try await neutron.ports(named: name, networkID: network.id) }
        if existing.count > 1 {
            throw Failure(message: "\(existing.count) ports named \(name) on \(networkName); delete the extra ones, then run spotctl apply again")
        }
        if let port = existing.first { return ("already exists: port \(port.id)", true, port.id) }
        let port = try await call { () throws(ClientError) in try await neutron.createPort(name: name, networkID: network.id) }
        return ("created port \(port.id)", false, port.id)
    }

    private func call<T>(_ body: () async throws(ClientError) -> T) async throws(Failure) -> T {
        do {
            return try await body()
        } catch {
            throw Failure(message: error.description)
        }
    }
}
