public import Foundation
import SpotCore
import SpotAPI
import SpotSupport

/// Renders the static dashboard and the static API (SPEC section 7) from one snapshot's derived
/// views, its history, the command log and the change files. Pure: it returns the files (path
/// under the site's root → bytes) and leaves writing them to the caller.
///
///     index.html                 overview: types, pools, reconciliation, warnings
///     types/<type>.html          a column per pool (per on-demand variant), the change composer
///     hosts/<host>.html          facts, aggregates, VMs, history
///     contracts.html             contracts and the customer view (two side by side)
///     history.html               usage per type and pool over time, hosts moved (inline SVG)
///     changes.html               pending and applied change files
///     log.html                   the command log, with filters
///     search.html                every host, tenant and aggregate (the search box filters it)
///     assets/                    style.css, site.js, search-index.js
///     api/                       the static API (SeedAPI)
public struct SiteRenderer: Sendable {
    public let templates: SiteTemplates

    public init(templates: SiteTemplates = .builtIn) {
        self.templates = templates
    }

    public func render(_ input: SiteInput) throws(SiteError) -> [String: Data] {
        let library = try templates.library()
        let pages = PageBuilder(input: input)
        // A host page (and its API file) per host: two hosts must never share one.
        for names in [input.cloud.hosts.map(\.name), input.cloud.types.map(\.name)] {
            if let (first, second) = SafeFileName.collision(among: names) {
                throw SiteError("\"\(first)\" and \"\(second)\" have the same file name \(SafeFileName.encode(first)); nothing was written",
                                hint: "this is a SHA-256 collision of two long names: a bug, please report it")
            }
        }

        // Every page is one job; jobs run on every core (a host page per host is most of the work).
        enum Page: Sendable {
            case overview, type(GPUTypeView), host(HostView), contracts, history, changes, log, search
        }
        var jobs: [Page] = [.overview, .contracts, .history, .changes, .log, .search]
        jobs += input.cloud.types.map { .type($0) }
        jobs += input.cloud.hosts.map { .host($0) }
        let rendered = try parallelMap(jobs) { job throws(SiteError) -> (String, Data) in
            let (template, path, context): (String, String, [String: Any])
            switch job {
            case .overview: (template, path, context) = ("overview", "index.html", pages.overview())
            case .type(let type): (template, path, context) = ("type", PageBuilder.typePath(type.name), pages.typePage(type))
            case .host(let host): (template, path, context) = ("host", PageBuilder.hostPath(host.name), pages.hostPage(host))
            case .contracts: (template, path, context) = ("contracts", "contracts.html", pages.contractsPage())
            case .history: (template, path, context) = ("history", "history.html", pages.historyPage())
            case .changes: (template, path, context) = ("changes", "changes.html", pages.changesPage())
            case .log: (template, path, context) = ("log", "log.html", pages.logPage())
            case .search: (template, path, context) = ("search", "search.html", pages.searchPage())
            }
            return (path, Data(try library.render(context, template: template)))
        }
        var files = Dictionary(rendered, uniquingKeysWith: { first, _ in first })
        for (path, text) in templates.assets {
            files[path] = Data(text.utf8)
        }
        files["assets/search-index.js"] = pages.searchIndexScript()
        files.merge(SeedAPI.files(cloud: input.cloud, commandLog: input.commandLog)) { _, api in api }
        // The same figures as serve's /metrics (without the snapshot's age), for a static scrape.
        files[Self.metricsPath] = Data(MetricsText.render(
            cloud: input.cloud, snapshotDate: input.snapshot.date,
            applied: MetricsText.AppliedCounts(outcomes: input.appliedChanges.compactMap(\.outcome))).utf8)
        return files
    }
}

extension SiteRenderer {
    /// Where the site keeps its Prometheus text.
    public static let metricsPath = "metrics.txt"
}

/// Builds each page's Mustache context from the derived views. Every number shown comes from
/// `CloudView` (the same values the static API writes) and carries `data-` attributes so that
/// tests and scripts can read it back.
struct PageBuilder {
    let input: SiteInput
    var cloud: CloudView { input.cloud }

    init(input: SiteInput) {
        self.input = input
    }

    // MARK: Paths

    /// A file name in a URL: `SafeFileName` output only needs its `%` encoded.
    static func href(_ safeName: String) -> String { safeName.replacingOccurrences(of: "%", with: "%25") }
    static func typePath(_ type: String) -> String { "types/\(SafeFileName.encode(type)).html" }
    static func hostPath(_ host: String) -> String { "hosts/\(SafeFileName.encode(host)).html" }
    static func typeHref(_ type: String) -> String { "types/\(href(SafeFileName.encode(type))).html" }
    static func hostHref(_ host: String) -> String { "hosts/\(href(SafeFileName.encode(host))).html" }

    // MARK: Common parts

    static func date(_ date: Date?) -> String {
        guard let date else { return "not committed" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { let value = value ?? 0; return value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute)) UTC"
    }

    /// A cloud-supplied link, kept only when it is http or https (never `javascript:` or `data:`).
    static func safeLink(_ url: String?) -> String? {
        guard let url else { return nil }
        let lowered = url.lowercased()
        return lowered.hasPrefix("https://") || lowered.hasPrefix("http://") ? url : nil
    }

    static func shortCommit(_ commit: String?) -> String { commit.map { String($0.prefix(12)) } ?? "working tree" }

    func common(title: String, page: String, root: String) -> [String: Any] {
        var nav: [[String: Any]] = [["label": "Overview", "href": "index.html", "current": page == "overview"]]
        for type in cloud.types {
            nav.append(["label": type.displayName, "href": Self.typeHref(type.name), "current": page == "type:\(type.name)"])
        }
        for (label, href, key) in [("Contracts", "contracts.html", "contracts"), ("History", "history.html", "history"),
                                   ("Changes", "changes.html", "changes"), ("Log", "log.html", "log")] {
            nav.append(["label": label, "href": href, "current": page == key])
        }
        return [
            "title": title,
            "page": page,
            "root": root,
            "nav": nav,
            "snapshotCommit": Self.shortCommit(input.snapshot.commit),
            "snapshotDate": Self.date(input.snapshot.date),
            "snapshotSubject": input.snapshot.subject,
        ]
    }

    static func summary(_ summary: GPUSummary) -> [String: Any] {
        let tenths = summary.usageTenthsOfPercent
        return [
            "used": summary.gpuUsed,
            "capacity": summary.gpuCapacity,
            "hosts": summary.hostCount,
            "ratio": summary.gpuUsageRatio,
            "percentage": summary.percentageText,
            "bar": SVGChart.format(Double(min(tenths, 1000)) / 10),
            "over": summary.gpuUsed > summary.gpuCapacity,
        ]
    }

    func card(_ host: HostView, root: String) -> [String: Any] {
        var tooltip = ["Status: \(host.status)"]
        if let reason = host.outOfStockReason { tooltip.append("Reason: \(reason)") }
        if let site = host.site { tooltip.append("Site: \(site)") }
        if let rack = host.rack { tooltip.append("Rack: \(rack)") }
        tooltip.append("Aggregate: " + (host.poolAggregates.isEmpty ? "none" : host.poolAggregates.joined(separator: ", ")))
        tooltip.append("NVLink: \(host.nvlink ? "yes" : "no")")
        var card: [String: Any] = [
            "name": host.name,
            "href": root + Self.hostHref(host.name),
            "used": host.gpuUsed,
            "capacity": host.capacity,
            "over": host.overCapacity,
            "owner": host.ownerGroup,
            "vmCount": host.vmCount,
            "vmLabel": host.vmCount == 1 ? "1 VM" : "\(host.vmCount) VMs",
            "tooltip": tooltip.joined(separator: "\n"),
            "from": host.poolAggregates.first ?? "",
            "pool": host.pool.apiKey,
            "contract": host.contractAggregate ?? "",
            "status": host.status,
        ]
        // Optional fields are always set (with a flag): Mustache would otherwise look the key up in
        // the enclosing contexts.
        let netbox = Self.safeLink(host.netboxURL)
        card["netbox"] = netbox ?? ""
        card["hasNetbox"] = netbox != nil
        card["tenant"] = host.tenant ?? ""
        card["hasTenant"] = host.tenant != nil
        card["reason"] = host.outOfStockReason ?? ""
        card["hasReason"] = host.outOfStockReason != nil
        return card
    }

    // MARK: Overview

    func overview() -> [String: Any] {
        var context = common(title: "Overview", page: "overview", root: "")
        var total = GPUSummary()
        context["types"] = cloud.types.map { type -> [String: Any] in
            total = total + type.overview
            var entry = Self.summary(type.overview)
            entry["name"] = type.name
            entry["displayName"] = type.displayName
            entry["href"] = Self.typeHref(type.name)
            entry["hostCount"] = type.hosts.count
            entry["pools"] = type.pools.map { pool -> [String: Any] in
                var row = Self.summary(pool.summary)
                row["key"] = pool.pool.apiKey
                row["label"] = pool.pool.label
                row["name"] = pool.name
                row["outOfStock"] = pool.pool == .outofstock
                row["typeName"] = type.name
                return row
            }
            return entry
        }
        context["total"] = Self.summary(total)
        context["unclassified"] = cloud.unclassified.map { host -> [String: Any] in
            ["name": host.name, "href": Self.hostHref(host.name), "reason": host.outOfStockReason ?? "GPU type unknown"]
        }
        context["hasUnclassified"] = !cloud.unclassified.isEmpty
        let reconciliation = cloud.reconciliation
        context["reconciliation"] = [
            "configured": reconciliation.netBoxConfigured,
            "netboxServers": reconciliation.netBoxGPUServers,
            "dashboardHosts": reconciliation.dashboardHosts,
            "reconciled": reconciliation.isReconciled,
            "entries": reconciliation.entries.map { entry -> [String: Any] in
                let known = cloud.host(named: entry.host) != nil
                return ["host": entry.host, "finding": entry.finding.rawValue,
                        "href": known ? Self.hostHref(entry.host) : "", "hasHref": known]
            },
        ] as [String: Any]
        context["warnings"] = cloud.warnings.map { ["kind": $0.kind.rawValue, "subject": $0.subject, "message": $0.message] }
        context["warningCount"] = cloud.warnings.count
        context["hasWarnings"] = !cloud.warnings.isEmpty
        context["hasTypes"] = !cloud.types.isEmpty
        context["hasOutOfStock"] = !cloud.outOfStockHosts.isEmpty
        context["hasPending"] = !input.pendingChanges.isEmpty
        context["outOfStock"] = cloud.outOfStockHosts.map { host -> [String: Any] in
            ["name": host.name, "href": Self.hostHref(host.name), "type": host.gpuType ?? "Unclassified",
             "reason": host.outOfStockReason ?? ""]
        }
        context["outOfStockCount"] = cloud.outOfStockHosts.count
        context["hostCount"] = cloud.hosts.count
        context["serverCount"] = cloud.facts.servers.count
        context["pendingCount"] = input.pendingChanges.count
        return context
    }

    // MARK: GPU type page

    func typePage(_ type: GPUTypeView) -> [String: Any] {
        let root = "../"
        var context = common(title: type.displayName, page: "type:\(type.name)", root: root)
        context["type"] = ["name": type.name, "displayName": type.displayName]
        context["overview"] = Self.summary(type.overview)
        context["apiHref"] = "api/aggregates/\(Self.href(SeedAPI.typeFileName(type.name))).json"

        var columns: [[String: Any]] = []
        func column(key: String, label: String, aggregates: [String], hosts: [HostView], summary: GPUSummary,
                    variant: String? = nil, contracts: [ContractView] = []) -> [String: Any] {
            var entry = Self.summary(summary)
            entry["key"] = key
            entry["label"] = label
            entry["aggregates"] = aggregates.joined(separator: ", ")
            entry["hostCount"] = hosts.count
            entry["variant"] = variant ?? ""
            entry["empty"] = hosts.isEmpty
            let available = hosts.filter { !$0.hasVMs }
            let inUse = hosts.filter(\.hasVMs)
            entry["available"] = Dictionary(grouping: available, by: \.ownerGroup).sorted { $0.key < $1.key }.map { group -> [String: Any] in
                ["label": group.key, "count": group.value.count, "hosts": group.value.map { card($0, root: root) }]
            }
            entry["availableCount"] = available.count
            entry["inUse"] = Dictionary(grouping: inUse, by: \.gpuUsed).sorted { $0.key > $1.key }.map { group -> [String: Any] in
                ["label": group.key == 1 ? "1 GPU used" : "\(group.key) GPUs used", "count": group.value.count,
                 "hosts": group.value.map { card($0, root: root) }]
            }
            entry["inUseCount"] = inUse.count
            entry["isContracts"] = !contracts.isEmpty
            entry["contracts"] = contracts.map { ["name": $0.aggregate, "hostCount": $0.hosts.count] }
            return entry
        }
        let runpod = type.pool(.runpod)
        columns.append(column(key: "runpod", label: "RunPod", aggregates: runpod.aggregates, hosts: runpod.hosts, summary: runpod.summary))
        let ondemand = type.pool(.ondemand)
        if ondemand.variants.count > 1 && ondemand.variants.contains(where: \.nvlink) {
            for variant in ondemand.variants {
                let hosts = ondemand.hosts.filter { $0.variant == variant.aggregate }
                columns.append(column(key: "ondemand", label: "On-Demand · \(variant.aggregate)", aggregates: [variant.aggregate],
                                      hosts: hosts, summary: variant.summary, variant: variant.aggregate))
            }
        } else {
            columns.append(column(key: "ondemand", label: "On-Demand", aggregates: ondemand.aggregates, hosts: ondemand.hosts, summary: ondemand.summary))
        }
        let spot = type.pool(.spot)
        columns.append(column(key: "spot", label: "Spot", aggregates: spot.aggregates, hosts: spot.hosts, summary: spot.summary))
        let contract = type.pool(.contract)
        columns.append(column(key: "contracts", label: "Contracts", aggregates: contract.aggregates, hosts: contract.hosts,
                              summary: contract.summary, contracts: contract.contracts))
        let outOfStock = type.pool(.outofstock)
        columns.append(column(key: "outofstock", label: "Out of Stock", aggregates: [], hosts: outOfStock.hosts, summary: outOfStock.summary))
        context["columns"] = columns

        // The composer's targets: pool names as change files write them.
        var targets: [[String: Any]] = []
        if !spot.aggregates.isEmpty { targets.append(["value": "spot", "label": "Spot (\(spot.aggregates.joined(separator: ", ")))"]) }
        if !ondemand.aggregates.isEmpty { targets.append(["value": "ondemand", "label": "On-Demand (\(ondemand.aggregates.joined(separator: ", ")))"]) }
        if !runpod.aggregates.isEmpty { targets.append(["value": "runpod", "label": "RunPod (\(runpod.aggregates.joined(separator: ", ")))"]) }
        for aggregate in contract.aggregates {
            targets.append(["value": "contract:\(aggregate)", "label": "Contract \(aggregate)"])
        }
        context["targets"] = targets
        return context
    }

    // MARK: Host page

    func hostPage(_ host: HostView) -> [String: Any] {
        let root = "../"
        var context = common(title: host.name, page: "host", root: root)
        var facts: [[String: Any]] = []
        func fact(_ label: String, _ value: String?, link: String? = nil) {
            let row: [String: Any] = ["label": label, "value": value ?? "—", "link": link ?? "", "hasLink": link != nil]
            facts.append(row)
        }
        fact("GPU type", host.gpuType ?? "Unclassified")
        fact("Type from", host.typeSource.rawValue)
        fact("Pool", host.pool.label)
        if let reason = host.outOfStockReason { fact("Out of stock because", reason) }
        fact("GPUs used", "\(host.gpuUsed) of \(host.capacity)" + (host.overCapacity ? " (above capacity)" : ""))
        fact("VMs", "\(host.vmCount)")
        fact("Status", host.status)
        fact("Tenant", host.tenantName.map { name in host.tenant.map { "\(name) (\($0))" } ?? name } ?? host.tenant)
        fact("Owner group", host.ownerGroup)
        fact("NVLink", host.nvlink ? "yes" : "no")
        fact("Site", host.site)
        fact("Rack", host.rack)
        if let variant = host.variant { fact("On-demand variant", variant) }
        if let contract = host.contractAggregate { fact("Contract", contract) }
        fact("Compute service", [host.computeServiceStatus, host.computeServiceState].compactMap { $0 }.joined(separator: ", ").nilIfEmpty
                ?? (host.inNova ? nil : "not in OpenStack"))
        let netbox = Self.safeLink(host.netboxURL)
        fact("NetBox", netbox ?? (host.netboxURL != nil ? "(the device's link is not a web address)" : host.inNetBox ? nil : "not in NetBox"),
             link: netbox)
        context["host"] = [
            "name": host.name,
            "used": host.gpuUsed,
            "capacity": host.capacity,
            "over": host.overCapacity,
            "pool": host.pool.apiKey,
            "poolLabel": host.pool.label,
            "typeHref": host.gpuType.map { root + Self.typeHref($0) } ?? (root + "index.html"),
            "typeLabel": host.gpuType.flatMap { cloud.type(named: $0)?.displayName } ?? "Unclassified",
            "apiHref": root + "api/host-vms/\(Self.href(SafeFileName.encode(host.name))).json",
        ] as [String: Any]
        context["facts"] = facts
        context["aggregates"] = host.aggregates.map { name -> [String: Any] in
            ["name": name, "pool": host.poolAggregates.contains(name)]
        }
        context["hasAggregates"] = !host.aggregates.isEmpty
        context["vms"] = host.servers.map { server -> [String: Any] in
            ["id": server.id, "name": server.name, "status": server.status, "flavor": server.flavor, "tenant": server.tenant,
             "created": server.created, "gpus": server.gpus, "idle": !server.holdsResources]
        }
        context["hasVMs"] = !host.servers.isEmpty
        let runPod = runPodVMs(host)
        context["runpodVMs"] = runPod
        context["hasRunpodVMs"] = !runPod.isEmpty
        context["hyperstackKnown"] = cloud.facts.vms != nil
        let events = input.history.hostEvents[host.name] ?? []
        context["history"] = events.map { event -> [String: Any] in
            ["date": Self.date(event.date), "commit": Self.shortCommit(event.commit), "text": event.text]
        }
        context["hasHistory"] = !events.isEmpty
        return context
    }

    /// The Hyperstack VMs on a host (the OpenStack server each is runs there), with the firewalls
    /// they are in and the networks they have addresses on, each beside what the host's site asks
    /// for (`CloudView.runPodVMs`).
    func runPodVMs(_ host: HostView) -> [[String: Any]] {
        cloud.runPodVMs(on: host).map { view -> [String: Any] in
            let vm = view.vm
            let firewalls = view.firewalls.map { "\($0.name) (\($0.id))" }
            var firewallText = firewalls.isEmpty ? "in no firewall" : firewalls.joined(separator: ", ")
            if view.inSiteFirewall == false, let expected = view.siteFirewall {
                firewallText += "; not in the site's firewall \(expected)"
            }
            let networkText: String
            switch (view.networks, view.storageNetwork) {
            case (nil, _):
                networkText = "not recorded (snapshot before format 1.2)"
            case (let networks?, let storage?):
                let listed = networks.isEmpty ? "no network" : networks.joined(separator: ", ")
                networkText = networks.contains(storage) ? listed : "\(listed); no port on \(storage)"
            case (let networks?, nil):
                networkText = networks.isEmpty ? "no network" : networks.joined(separator: ", ")
            }
            return ["id": vm.id, "name": vm.name, "status": vm.status, "flavor": vm.flavor, "environment": vm.environment,
                    "firewalls": firewallText, "firewallOK": !firewalls.isEmpty && view.inSiteFirewall != false,
                    "networks": networkText, "networkOK": view.networks != nil && view.storageAttached != false]
        }
    }

    // MARK: Contracts and the customer view

    func contractsPage() -> [String: Any] {
        var context = common(title: "Contracts", page: "contracts", root: "")
        var contracts: [[String: Any]] = []
        for type in cloud.types {
            for contract in type.pool(.contract).contracts {
                var entry = Self.summary(contract.summary)
                entry["name"] = contract.aggregate
                entry["id"] = "contract-" + SafeFileName.encode(contract.aggregate).replacingOccurrences(of: "%", with: "_")
                entry["type"] = type.displayName
                entry["hostCount"] = contract.hosts.count
                let free = Dictionary(grouping: contract.hosts, by: \.freeGPUs).sorted { $0.key > $1.key }
                entry["groups"] = free.map { group -> [String: Any] in
                    ["label": group.key == 1 ? "1 GPU free" : "\(group.key) GPUs free", "count": group.value.count,
                     "hosts": group.value.map { ["name": $0.name, "used": $0.gpuUsed, "capacity": $0.capacity] }]
                }
                entry["freeGPUs"] = contract.hosts.reduce(0) { $0 + $1.freeGPUs }
                contracts.append(entry)
            }
        }
        context["contracts"] = contracts
        context["hasContracts"] = !contracts.isEmpty
        context["compareLeft"] = contracts.first?["id"] ?? ""
        context["compareRight"] = contracts.dropFirst().first?["id"] ?? contracts.first?["id"] ?? ""
        return context
    }

    // MARK: History

    func historyPage() -> [String: Any] {
        var context = common(title: "History", page: "history", root: "")
        let points = input.history.points
        let labels = points.map { Self.date($0.date) }
        var charts: [[String: Any]] = []
        for type in cloud.types {
            var series: [SVGChart.Series] = [
                SVGChart.Series(label: "\(type.displayName): all pools", cssClass: "pool-total", values: points.map { point in
                    point.summary?.types[type.name].flatMap {
                        $0.overview.gpuCapacity > 0 ? Double($0.overview.gpuSummary.usageTenthsOfPercent) / 10 : nil
                    }
                }),
            ]
            for pool in Pool.inService {
                series.append(SVGChart.Series(label: "\(type.displayName): \(pool.label)", cssClass: "pool-\(pool.rawValue)", values: points.map { point in
                    // A pool with no capacity has no usage to draw.
                    point.summary?.types[type.name]?.pools[pool.rawValue].flatMap {
                        $0.gpuCapacity > 0 ? Double($0.gpuSummary.usageTenthsOfPercent) / 10 : nil
                    }
                }))
            }
            charts.append([
                "type": type.displayName,
                "svg": SVGChart.lines(title: "GPU usage of \(type.displayName) per pool, in percent", xLabels: labels, series: series),
            ])
        }
        context["charts"] = charts
        context["movesChart"] = SVGChart.bars(title: "Hosts moved per snapshot", xLabels: labels,
                                              values: points.map(\.moves.count), cssClass: "bar-moves")
        context["snapshots"] = points.reversed().map { point -> [String: Any] in
            [
                "date": Self.date(point.date),
                "commit": Self.shortCommit(point.commit),
                "subject": point.subject,
                "moved": point.moves.count,
                "moves": point.moves.prefix(50).map { move -> [String: Any] in
                    ["host": move.host, "href": Self.hostHref(move.host), "from": move.fromAggregates.joined(separator: ", ").nilIfEmpty ?? "none",
                     "to": move.toAggregates.joined(separator: ", ").nilIfEmpty ?? "none"]
                },
            ]
        }
        context["snapshotCount"] = points.count
        context["truncated"] = input.history.truncated
        context["hasHistory"] = !points.isEmpty
        return context
    }

    // MARK: Changes and the command log

    /// Pending change files with their plan against this snapshot (the same planner as
    /// `spotctl plan`), applied ones with their outcome records.
    func changesPage() -> [String: Any] {
        var context = common(title: "Changes", page: "changes", root: "")
        let plan = Planner.plan(texts: input.pendingChanges.map { (path: $0.path, text: $0.text) }, cloud: cloud,
                                basis: .snapshot(commit: input.snapshot.commit))
        context["planSummary"] = plan.summaryLine
        context["planBasis"] = Self.shortCommit(input.snapshot.commit)
        context["planValid"] = plan.problems.isEmpty
        let texts = Dictionary(input.pendingChanges.map { ($0.path, $0.text) }, uniquingKeysWith: { first, _ in first })
        context["pending"] = plan.files.map { file -> [String: Any] in
            let problems = (file.problems + file.migrations.flatMap(\.problems)).map(Self.problem)
            let warnings = file.migrations.flatMap(\.warnings).map(Self.problem)
            return [
                "path": file.path,
                "text": texts[file.path] ?? "",
                "reason": file.reason ?? "",
                "hasReason": file.reason != nil,
                "valid": file.isValid,
                "hosts": file.migrations.map { migration -> [String: Any] in
                    [
                        "host": migration.host,
                        "href": cloud.host(named: migration.host) != nil ? Self.hostHref(migration.host) : "",
                        "known": cloud.host(named: migration.host) != nil,
                        "from": migration.from.isEmpty ? "none" : migration.from.joined(separator: ", "),
                        "to": migration.to ?? migration.request.to,
                        "outcome": migration.outcome.rawValue,
                        "outcomeLabel": Self.outcomeLabel(migration.outcome),
                        "steps": migration.steps.map { step -> [String: Any] in
                            ["command": step.command, "skip": step.skip ?? "", "skipped": step.skip != nil]
                        },
                        "hasSteps": !migration.steps.isEmpty,
                    ]
                },
                "hasHosts": !file.migrations.isEmpty,
                "problems": problems,
                "hasProblems": !problems.isEmpty,
                "warnings": warnings,
                "hasWarnings": !warnings.isEmpty,
            ]
        }
        context["hasPending"] = !input.pendingChanges.isEmpty
        context["applied"] = input.appliedChanges.map { change -> [String: Any] in
            var entry: [String: Any] = ["path": change.path, "text": change.text, "hasOutcome": change.outcome != nil,
                                        "outcomeProblem": change.outcomeProblem ?? "", "hasOutcomeProblem": change.outcomeProblem != nil]
            if let outcome = change.outcome {
                entry["appliedAt"] = outcome.appliedAt
                entry["user"] = outcome.user
                entry["run"] = outcome.run
                entry["reason"] = outcome.reason ?? ""
                entry["hasReason"] = outcome.reason != nil
                entry["hosts"] = outcome.hosts.map { host -> [String: Any] in
                    [
                        "host": host.host,
                        "href": cloud.host(named: host.host) != nil ? Self.hostHref(host.host) : "",
                        "known": cloud.host(named: host.host) != nil,
                        "from": host.from.isEmpty ? "none" : host.from.joined(separator: ", "),
                        "to": host.to,
                        "status": host.status.rawValue,
                        "steps": host.steps.map { step -> [String: Any] in
                            ["command": step.command, "status": step.status, "output": step.output ?? "", "hasOutput": step.output != nil]
                        },
                        "hasSteps": !host.steps.isEmpty,
                    ]
                }
            } else {
                for key in ["appliedAt", "user", "run", "reason"] { entry[key] = "" }
                entry["hasReason"] = false
                entry["hosts"] = [[String: Any]]()
            }
            return entry
        }
        context["hasApplied"] = !input.appliedChanges.isEmpty
        return context
    }

    static func problem(_ problem: ChangeProblem) -> [String: Any] {
        ["position": problem.position, "severity": problem.severity.rawValue, "host": problem.host ?? "", "hasHost": problem.host != nil,
         "message": problem.message, "hint": problem.hint ?? "", "hasHint": problem.hint != nil]
    }

    static func outcomeLabel(_ outcome: PlannedMigration.Outcome) -> String {
        switch outcome {
        case .move: return "to move"
        case .noop: return "already in place"
        case .invalid: return "invalid"
        }
    }

    func logPage() -> [String: Any] {
        var context = common(title: "Command log", page: "log", root: "")
        context["entries"] = input.commandLog.reversed().map { entry -> [String: Any] in
            [
                "id": entry.id, "timestamp": entry.timestamp, "command": entry.command, "status": entry.status.rawValue,
                "executionTime": entry.executionTime, "user": entry.user, "change": entry.change ?? "",
                "step": entry.step.map(String.init) ?? "", "hasStep": entry.step != nil,
                "output": entry.output ?? "", "hasOutput": entry.output.map { !$0.isEmpty } ?? false,
                "returnCode": entry.returnCode.map(String.init) ?? "", "hasReturnCode": entry.returnCode != nil,
            ]
        }
        context["hasEntries"] = !input.commandLog.isEmpty
        context["entryCount"] = input.commandLog.count
        return context
    }

    // MARK: Search

    /// Search entries: kind, name, page (relative to the site's root), detail.
    func searchEntries() -> [[String]] {
        var entries: [[String]] = []
        for host in cloud.hosts {
            let detail = [host.gpuType ?? "Unclassified", host.pool.label, host.tenantName ?? host.tenant, host.ownerGroup]
                .compactMap { $0 }.joined(separator: " · ")
            entries.append(["host", host.name, Self.hostHref(host.name), detail])
        }
        var tenants: [String: (name: String, hosts: Int)] = [:]
        for host in cloud.hosts {
            guard let slug = host.tenant else { continue }
            tenants[slug, default: (host.tenantName ?? slug, 0)].hosts += 1
        }
        for (slug, tenant) in tenants.sorted(by: { $0.key < $1.key }) {
            entries.append(["tenant", tenant.name, "search.html?q=" + (slug.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? slug),
                            "\(slug) · \(tenant.hosts) host\(tenant.hosts == 1 ? "" : "s")"])
        }
        for view in cloud.aggregates {
            let page: String
            let detail: String
            switch view.kind {
            case .gpuPool(let type, let pool, let nvlink):
                page = Self.typeHref(type)
                detail = "\(type) · \(pool.label)" + (nvlink ? " · NVLink" : "")
            case .unknownType(let pool):
                page = "index.html"
                detail = "\(pool.label) · GPU type unknown"
            case .testing:
                page = "index.html"
                detail = "testing"
            case .other:
                page = "index.html"
                detail = "not a GPU pool"
            }
            entries.append(["aggregate", view.aggregate.name, page, "\(detail) · \(view.aggregate.hosts.count) hosts"])
        }
        return entries
    }

    func searchIndexScript() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let json = (try? encoder.encode(searchEntries())) ?? Data("[]".utf8)
        var script = Data("// Generated by spotctl render: the search index (kind, name, page, detail).\nwindow.SPOTCTL_SEARCH = ".utf8)
        script.append(json)
        script.append(contentsOf: Array(";\n".utf8))
        return script
    }

    func searchPage() -> [String: Any] {
        var context = common(title: "Search", page: "search", root: "")
        context["rows"] = searchEntries().map { ["kind": $0[0], "name": $0[1], "href": $0[2], "detail": $0[3]] }
        return context
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
