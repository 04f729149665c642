import Foundation

struct NetBoxHandler: ServiceHandler {
    let service = SimulatorService.netbox

    func error(status: Int, message: String) -> SimResponse {
        .json(status, ["error": .string(message)])
    }

    func handle(_ request: SimRequest, state: CloudState) async -> SimResponse {
        error(status: 404, message: "not implemented yet")
    }
}
