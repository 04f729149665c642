import Foundation

/// The three forms of a plan: text for a terminal, Markdown for a pull-request comment, JSON for
/// tools. Each is a pure function of the `Plan`, so the same plan gives the same bytes.
public enum PlanFormat: String, Sendable, CaseIterable {
    case text, markdown, json
}

extension Plan {
    /// The commit a plan was made from, or "the live cloud".
    public var basisText: String {
        switch basis {
        case .snapshot(let commit?): return "snapshot \(commit.prefix(12))"
        case .snapshot(nil): return "the working tree's snapshot (not committed)"
        case .live: return "the live cloud"
        }
    }

    public func rendered(_ format: PlanFormat) -> String {
        switch format {
        case .text: return text()
        case .markdown: return markdown()
        case .json: return json()
        }
    }

    // MARK: text

    /// Per file: the reason, every entry with its steps and commands; problems with
    /// `file:line:column`; the summary line last.
    public func text() -> String {
        var out = "Plan against \(basisText)\n"
        if files.isEmpty { out += "\nNo pending change files.\n" }
        for file in files {
            out += "\n\(file.path)"
            if let reason = file.reason { out += ": \(reason)" }
            out += "\n"
            for problem in file.problems { out += "  \(problem)\n" }
            for migration in file.migrations {
                out += "  " + migrationHeadline(migration) + "\n"
                for step in migration.steps {
                    if let skip = step.skip {
                        out += "      skip  \(step.command)  (\(skip))\n"
                    } else {
                        out += "      run   \(step.command)\n"
                    }
                }
                for problem in migration.problems + migration.warnings { out += "      \(problem)\n" }
            }
            for launch in file.launches {
                if launch.isValid {
                    out += "  launch    \(launch.host): VM \(launch.vmName), \(launch.flavor ?? "?"), \(launch.request.image), in \(launch.environment ?? "?") (\(launch.region ?? "?"))\n"
                    for (index, step) in launch.steps.enumerated() { out += "      \(index + 1). \(step.summary)\n" }
                    if let preview = launch.preview { out += "      \(preview)\n" }
                } else {
                    out += "  invalid   launch on \(launch.host)\n"
                }
                for problem in launch.problems + launch.warnings { out += "      \(problem)\n" }
            }
            for operation in file.operations {
                out += "  \(operation.isValid ? "run      " : "invalid  ") \(operation.command)\n"
                for problem in operation.problems + operation.warnings { out += "      \(problem)\n" }
            }
        }
        out += "\n\(summaryLine)\n"
        return out
    }

    func migrationHeadline(_ migration: PlannedMigration) -> String {
        let from = migration.from.isEmpty ? "no GPU aggregate" : migration.from.joined(separator: ", ")
        let to = migration.to ?? migration.request.to
        switch migration.outcome {
        case .move: return "move      \(migration.host): \(from) -> \(to)"
        case .noop: return "in place  \(migration.host): already in \(to)"
        case .invalid: return "invalid   \(migration.host) -> \(migration.request.to)"
        }
    }

    // MARK: Markdown

    /// The most a Markdown plan may hold: GitHub refuses comments over 65,536 characters.
    public static let markdownLimit = 60_000

    /// For a pull-request comment: the summary line first, the problems (all of them, always), a
    /// table of hosts and the commands folded. A plan too long for one comment keeps the summary,
    /// every problem and a note of what was cut.
    public func markdown(limit: Int = Plan.markdownLimit) -> String {
        var head = markdownHead(compact: false)
        if head.count > limit - 1_000 { head = markdownHead(compact: true) }
        if head.count > limit - 1_000 { head = markdownHead(compact: true, budget: limit - 1_000) }
        var body = ""
        for file in files where !file.migrations.isEmpty || !file.launches.isEmpty || !file.operations.isEmpty {
            var section = "\n### `\(code(file.path))`\n\n"
            if let reason = file.reason { section += "\(markdownEscape(reason))\n\n" }
            if !file.operations.isEmpty {
                section += "<details><summary>Network and firewall operations (\(file.operations.count))</summary>\n\n```sh\n"
                section += file.operations.map { fenced($0.command) }.joined(separator: "\n")
                section += "\n```\n\n</details>\n"
                if file.migrations.isEmpty && file.launches.isEmpty {
                    body += section
                    continue
                }
                section += "\n"
            }
            if !file.launches.isEmpty {
                section += "| RunPod launch | VM | flavor | image | environment |\n| --- | --- | --- | --- | --- |\n"
                for launch in file.launches {
                    let cells = [launch.host, launch.vmName, launch.flavor ?? "—", launch.request.image,
                                 launch.isValid ? (launch.environment ?? "—") : "invalid"].map(markdownEscape)
                    section += "| " + cells.joined(separator: " | ") + " |\n"
                }
                let previews = file.launches.filter(\.isValid).compactMap { launch in
                    launch.preview.map { "# \(launch.vmName): " + launch.steps.map(\.kind.rawValue).joined(separator: ", ") + "\n" + fenced($0) }
                }
                if !previews.isEmpty {
                    section += "\n<details><summary>Hyperstack requests (\(previews.count), keys masked)</summary>\n\n```sh\n"
                    section += previews.joined(separator: "\n")
                    section += "\n```\n\n</details>\n"
                }
                if file.migrations.isEmpty {
                    body += section
                    continue
                }
                section += "\n"
            }
            section += "| host | from | to | steps |\n| --- | --- | --- | --- |\n"
            for migration in file.migrations {
                let from = migration.from.isEmpty ? "—" : migration.from.map(markdownEscape).joined(separator: ", ")
                let to = markdownEscape(migration.to ?? migration.request.to)
                let steps: String
                switch migration.outcome {
                case .move: steps = "\(migration.pendingSteps.count) to run"
                case .noop: steps = "already in place"
                case .invalid: steps = "invalid"
                }
                section += "| \(markdownEscape(migration.host)) | \(from) | \(to) | \(steps) |\n"
            }
            let commands = file.migrations.flatMap(\.pendingSteps).map(\.command)
            if !commands.isEmpty {
                section += "\n<details><summary>Commands (\(commands.count))</summary>\n\n```sh\n"
                section += commands.map(fenced).joined(separator: "\n")
                section += "\n```\n\n</details>\n"
            }
            body += section
        }
        let whole = head + body
        if whole.count <= limit { return whole }
        // Too long: keep the head (summary and every problem) and as many whole file sections as
        // fit, then say what was cut.
        var kept = head
        var cut = 0
        var budget = limit - head.count - 400
        for file in files where !file.migrations.isEmpty {
            var section = "\n### `\(code(file.path))`\n\n| host | from | to | steps |\n| --- | --- | --- | --- |\n"
            var rows = 0
            for migration in file.migrations {
                let row = "| \(markdownEscape(migration.host)) | \(migration.from.map(markdownEscape).joined(separator: ", ")) | \(markdownEscape(migration.to ?? migration.request.to)) | \(migration.outcome.rawValue) |\n"
                if section.count + row.count > budget { break }
                section += row
                rows += 1
            }
            cut += file.migrations.count - rows
            if rows > 0 {
                kept += section
                budget -= section.count
            }
        }
        kept += "\n> The plan was cut to fit one comment (\(Plan.markdownLimit) characters): \(cut) host row\(cut == 1 ? "" : "s") and the commands are not shown. "
            + "Run `spotctl plan` for the whole plan.\n"
        return kept
    }

    /// The summary, the basis, every problem and warning. Compact drops the hints; with a budget
    /// (thousands of problems) the list ends with how many more there are.
    private func markdownHead(compact: Bool, budget: Int? = nil) -> String {
        var head = "**\(markdownEscape(summaryLine))**\n\nPlan against \(markdownEscape(basisText)).\n"
        for (title, list) in [("Problems", problems), ("Warnings", warnings)] where !list.isEmpty {
            head += "\n### \(title)\n\n"
            for (index, problem) in list.enumerated() {
                var item = problem
                if compact { item.hint = nil }
                let line = "- `\(code(item.position))` \(markdownEscape(problemText(item)))\n"
                if let budget, head.count + line.count > budget - 200 {
                    head += "- … and \(list.count - index) more; run `spotctl plan` to see them all\n"
                    break
                }
                head += line
            }
        }
        return head
    }

    private func problemText(_ problem: ChangeProblem) -> String {
        var text = ""
        if let host = problem.host { text += "host \(host): " }
        text += problem.message
        if let hint = problem.hint { text += " (\(hint))" }
        return text
    }

    /// Text from change files and the cloud, made inert in Markdown: no HTML, no table breaks, no
    /// emphasis or links.
    func markdownEscape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "#", "!", "~", "&":
                out += "\\\(character)"
            case "\n", "\r":
                out += " "
            default:
                out.append(character)
            }
        }
        return out
    }

    /// Text inside a code span: backticks cannot end it early.
    func code(_ text: String) -> String {
        text.replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "\n", with: " ")
    }

    /// A command inside a fenced block: a line of backticks cannot close the fence.
    func fenced(_ text: String) -> String {
        text.replacingOccurrences(of: "```", with: "'''").replacingOccurrences(of: "\n", with: " ")
    }

    // MARK: JSON

    public static let jsonFormatVersion = "1.0"

    /// A document with a `format_version`, the basis (the snapshot commit), the summary, every file
    /// with its entries, steps, problems and warnings; sorted keys.
    public func json() -> String {
        func problem(_ p: ChangeProblem) -> [String: Any] {
            var object: [String: Any] = ["severity": p.severity.rawValue, "file": p.file, "message": p.message]
            if let line = p.line { object["line"] = line }
            if let column = p.column { object["column"] = column }
            if let host = p.host { object["host"] = host }
            if let hint = p.hint { object["hint"] = hint }
            return object
        }
        var basis: [String: Any] = [:]
        switch self.basis {
        case .snapshot(let commit):
            basis["kind"] = "snapshot"
            basis["commit"] = commit ?? NSNull()
        case .live:
            basis["kind"] = "live"
        }
        let files: [[String: Any]] = self.files.map { file in
            [
                "path": file.path,
                "reason": file.reason ?? NSNull(),
                "valid": file.isValid,
                "problems": file.problems.map(problem),
                "launches": file.launches.map { l -> [String: Any] in
                    [
                        "host": l.host,
                        "vm_name": l.vmName,
                        "image": l.request.image,
                        "flavor": l.flavor ?? NSNull(),
                        "region": l.region ?? NSNull(),
                        "environment": l.environment ?? NSNull(),
                        "firewall": l.firewall ?? NSNull(),
                        "storage_network": l.storageNetwork ?? NSNull(),
                        "valid": l.isValid,
                        "line": l.request.position.line,
                        "steps": l.steps.map { ["kind": $0.kind.rawValue, "summary": $0.summary, "command": $0.command] },
                        "masked_command": l.preview ?? NSNull(),
                        "problems": l.problems.map(problem),
                        "warnings": l.warnings.map(problem),
                    ]
                },
                "operations": file.operations.map { o -> [String: Any] in
                    ["command": o.command, "valid": o.isValid, "line": o.request.position.line,
                     "problems": o.problems.map(problem), "warnings": o.warnings.map(problem)]
                },
                "migrations": file.migrations.map { m -> [String: Any] in
                    [
                        "host": m.host,
                        "requested_to": m.request.to,
                        "from": m.from,
                        "to": m.to ?? NSNull(),
                        "pool": m.pool?.rawValue ?? NSNull(),
                        "gpu_type": m.gpuType ?? NSNull(),
                        "reasoning": m.reasoning ?? NSNull(),
                        "outcome": m.outcome.rawValue,
                        "line": m.request.position.line,
                        "steps": m.steps.map { step -> [String: Any] in
                            var object: [String: Any] = ["action": step.action.rawValue, "aggregate": step.aggregate,
                                                         "host": step.host, "command": step.command]
                            object["skip"] = step.skip ?? NSNull()
                            return object
                        },
                        "problems": m.problems.map(problem),
                        "warnings": m.warnings.map(problem),
                    ]
                },
            ]
        }
        let document: [String: Any] = [
            "format_version": Plan.jsonFormatVersion,
            "basis": basis,
            "summary": [
                "line": summaryLine,
                "hosts_to_move": moves.count,
                "already_in_place": migrations.filter { $0.outcome == .noop }.count,
                "launches": launches.filter(\.isValid).count,
                "operations": operations.filter(\.isValid).count,
                "problems": problems.count,
                "warnings": warnings.count,
                "exit_code": Int(exitCode),
            ] as [String: Any],
            "files": files,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
