import Foundation
import Testing
import TestSupport
import SpotCore
@testable import SpotSite

/// Host pages and static API files of hosts with very long names: bounded, distinct, linked.
@Suite struct LongNameSiteTests {
    @Test func longHostNamesGetBoundedDistinctPagesAndAPIFilesThatLinksReach() throws {
        let first = String(repeating: "图形服务器", count: 8)
        let second = String(repeating: "图形服务器", count: 6) + "甲乙丙丁戊己庚辛壬癸"
        var cloud = CloudBuilder()
        cloud.gpuHost(first, tag: "NVIDIA L40", aggregate: "L40-n3")
        cloud.gpuHost(second, tag: "NVIDIA L40", aggregate: "L40-n3")
        cloud.gpuHost("gpu-1", tag: "NVIDIA L40", aggregate: "L40-n3-spot")
        let files = try render(cloud)
        var pages: [String] = []
        for name in [first, second] {
            let file = SafeFileName.encode(name)
            #expect(file.utf8.count <= SafeFileName.maximumLength)
            #expect(files["hosts/\(file).html"] != nil)
            #expect(files["api/host-vms/\(file).json"] != nil)
            pages.append("hosts/\(file).html")
        }
        #expect(pages[0] != pages[1])
        #expect(files["hosts/gpu-1.html"] != nil)
        for path in files.keys {
            #expect(path.split(separator: "/").allSatisfy { $0.utf8.count <= 255 }, "\(path)")
        }
        // Every link to a host page on the type page names a file that exists.
        let type = text(files, "types/L40.html")
        var links = 0
        for part in type.components(separatedBy: "href=\"../hosts/").dropFirst() {
            let target = String(part.prefix { $0 != "\"" }).replacingOccurrences(of: "%25", with: "%")
            #expect(files["hosts/" + target] != nil, "a link to hosts/\(target) that was not written")
            links += 1
        }
        #expect(links >= 3)
    }
}
