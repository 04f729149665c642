import Foundation
import Testing
import TestSupport
@testable import SpotSimulator

/// The test suite stands on its own: what the conformance tests compare with is kept in the
/// repository (`Fixtures/reference-shapes/`, written by `scripts/refresh-reference-fixtures.py`),
/// and no test reads the reference folder that some machines have beside the repository.
@Suite struct ReferenceFixtureTests {
    /// Every regular file under `folder`, as paths relative to it, sorted.
    private static func files(under folder: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        let prefix = folder.standardizedFileURL.path + "/"
        var found: [String] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            let path = url.standardizedFileURL.path
            found.append(path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path)
        }
        return found.sorted()
    }

    @Test func noTestSourceReadsTheReferenceFolderBesideTheRepository() throws {
        // Spelt in pieces so that this file does not name them itself.
        let forbidden = [["shared", "reference"].joined(separator: "/"), ".." + "/shared"]
        let tests = ProjectPaths.root.appendingPathComponent("Tests", isDirectory: true)
        let sources = Self.files(under: tests).filter { !$0.contains("/Fixtures/") }
        #expect(sources.contains("SpotSimulatorTests/ReferenceFixtureTests.swift"), "the scan found \(sources.count) files")
        var offenders: [String] = []
        for relative in sources {
            let text = String(decoding: try Data(contentsOf: tests.appendingPathComponent(relative)), as: UTF8.self)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if forbidden.contains(where: { line.contains($0) }) { offenders.append("Tests/\(relative):\(number + 1): \(line)") }
            }
        }
        #expect(offenders.isEmpty, "tests must use the fixtures in Fixtures/reference-shapes:\n\(offenders.joined(separator: "\n"))")
    }

    @Test func everyFixtureIsJSONInsideTheRepository() throws {
        let root = Reference.root.standardizedFileURL
        #expect(root.path.hasPrefix(ProjectPaths.root.standardizedFileURL.path + "/"))
        let fixtures = Self.files(under: root)
        #expect(fixtures.count > 100, "\(fixtures.count) fixtures under \(root.path)")
        for relative in fixtures {
            #expect(relative.hasSuffix(".json"), "\(relative) is not a .json fixture")
            let data = try Data(contentsOf: root.appendingPathComponent(relative))
            do { _ = try ShapeJSON.parse(data) } catch { Issue.record("\(relative): \(error)") }
            do { _ = try JSONSerialization.jsonObject(with: data) } catch { Issue.record("\(relative): \(error)") }
        }
    }

    @Test func novaSamplesAreChosenAmongTheFixtureFolders() throws {
        // The skeletons keep Nova's `vX.Y/` layout, so a sample is chosen as among the published ones.
        let (json, path) = try Reference.nova("os-services", "services-list-get-resp.json", at: "2.60")
        #expect(path == "nova/doc/api_samples/os-services/v2.53/services-list-get-resp.json")
        #expect(json["services"]?.array?.first?["id"]?.string != nil)
        // Neutral values of the sample's types: strings are empty, numbers zero, floats stay floats.
        let flavor = try Reference.load("nova/doc/api_samples/flavors/flavor-get-resp.json")
        #expect(flavor["flavor"]?["name"] == "")
        #expect(flavor["flavor"]?["rxtx_factor"].map(Shape.typeName) == "float")
        #expect(flavor["flavor"]?["ram"] == 0)
    }
}
