import ArgumentParser
import Foundation
import SpotKit

struct Unlock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove the lock a run left behind in .spotctl/lock.",
        discussion: """
        A snapshot (and later apply) holds the repository's lock while it runs. A lock taken on this machine by a process
        that is gone is taken over automatically; any other lock stays until it is removed here. Without ID, prints who
        holds the lock and its id; with ID, removes the lock only when its id is ID.
        Exit status: 0 removed (without ID: not locked), 1 locked (without ID), not locked or another id (with ID), 64 bad usage.
        """)

    @OptionGroup var options: RepositoryOptions
    @Argument(help: ArgumentHelp("The lock's id, as the refusal or `spotctl unlock` without it prints.", valueName: "ID"))
    var id: String?

    func run() async throws {
        try await runReportingErrors {
            let repository = try OperationsRepository.locate(explicit: options.repo, from: ProcessContext.current.workingDirectory)
            guard let id else {
                guard let held = try RepositoryLock.current(repository) else {
                    print("\(repository.root.path) is not locked")
                    return
                }
                throw SpotError("the lock \(held.id) is held by \(held.holder)",
                                hint: "if that run is gone, remove the lock with `spotctl unlock \(held.id)`")
            }
            let removed = try RepositoryLock.unlock(repository, id: id)
            print("removed the lock \(removed.id) held by \(removed.holder)")
        }
    }
}
