public import Foundation
public import SpotClients
import SpotCore
import SpotSite

/// The last check before spotctl writes a snapshot or a site: no configured secret may reach a
/// file, a file's path or the commit message, in any form that the encoders writing them could
/// give it. The forms are made by running those very encoders over each secret (the inventory's
/// and the static API's JSON encoders, the templates' HTML escaping, file names and links), on
/// top of the `Redactor`'s own (as it is, percent-encoded, JSON with and without `\/`, base64).
public struct SecretScan: Sendable {
    /// Said when there is no secret to look for, so that a clean scan is never assumed.
    public static let nothingToScan = "secret scan: no secret configured (or none of 4 characters or more), nothing to scan"

    let redactor: Redactor

    public init(secrets: [Secret]) {
        redactor = Redactor(secrets: secrets) { secret in
            [InventoryFiles.jsonString(secret), SafeFileName.encode(secret)] + SpotSite.textForms(secret)
        }
    }

    /// True when there is nothing to look for.
    public var isEmpty: Bool { redactor.isEmpty }

    /// Refuses (nothing is written) when a secret is in a file, a path or the commit message.
    /// - Parameter output: what is being written, for the message ("the snapshot", "the rendered site").
    public func check(_ files: [String: Data], commitMessage: String? = nil, output: String) throws(SpotError) {
        guard !redactor.isEmpty else { return }
        var places: [String] = []
        if let commitMessage, redactor.leaks(commitMessage) { places.append("the commit message") }
        let paths = files.keys.sorted()
        // The paths in one search (thousands of host files), then one by one only after a hit.
        let pathsLeak = redactor.leaks(Data(paths.joined(separator: "\n").utf8))
        for path in paths where (pathsLeak && redactor.leaks(Data(path.utf8))) || redactor.leaks(files[path]!) {
            places.append(path)
        }
        guard let first = places.first else { return }
        let more = places.count > 1 ? " and \(places.count - 1) more place\(places.count == 2 ? "" : "s")" : ""
        throw SpotError("a configured secret (a password, token or API key) reached \(first)\(more) in \(output); nothing was written",
                        hint: "a name or field in the cloud holds the secret's text: rename it there, and rotate the secret if it was shown anywhere",
                        at: .init(file: first == "the commit message" ? nil : first))
    }
}
