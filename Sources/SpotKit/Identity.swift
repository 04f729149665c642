public import Foundation
public import GitStore

/// Who a command acts as: the git author of its commits and the `user` of its command-log entries.
/// `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL` when set; in CI the CI identity (`GITHUB_ACTOR`); else the
/// login name at this machine.
public struct Identity: Sendable, Hashable {
    public let name: String
    public let email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    /// The identity the environment names; `hostName` is this machine's (the executable passes
    /// both in).
    public static func resolve(environment: [String: String], hostName: String) -> Identity {
        if let name = environment["GIT_AUTHOR_NAME"], !name.isEmpty {
            return Identity(name: name, email: environment["GIT_AUTHOR_EMAIL"] ?? "\(name)@spotctl.invalid")
        }
        if let actor = environment["GITHUB_ACTOR"], !actor.isEmpty {
            return Identity(name: "\(actor) (CI)", email: "\(actor)@users.noreply.github.com")
        }
        let user = environment["USER"] ?? environment["LOGNAME"] ?? "spotctl"
        return Identity(name: user, email: "\(user)@\(hostName)")
    }

    public func author(at date: Date) -> CommitAuthor {
        CommitAuthor(name: name, email: email, date: date)
    }
}
