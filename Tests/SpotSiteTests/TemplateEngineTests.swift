import Testing
@testable import SpotSite

@Suite struct TemplateEngineTests {
    func render(_ templates: [String: String], _ context: [String: Any], _ name: String = "page") throws -> String {
        var parsed: [String: Template] = [:]
        for (name, text) in templates { parsed[name] = try Template(name: name, text: text) }
        return String(decoding: try TemplateLibrary(templates: parsed).render(context, template: name), as: UTF8.self)
    }

    @Test func valuesAreEscapedUnlessTripled() throws {
        let context: [String: Any] = ["name": "<a href=\"x\">Jörg's & co</a>", "count": 3, "flag": true]
        #expect(try render(["page": "{{name}}|{{{name}}}|{{& name}}|{{count}}|{{flag}}|{{missing}}"], context)
                == "&lt;a href=&quot;x&quot;&gt;Jörg&#39;s &amp; co&lt;/a&gt;|<a href=\"x\">Jörg's & co</a>|<a href=\"x\">Jörg's & co</a>|3|true|")
    }

    @Test func sectionsIterateListsPushContextsAndTestFlags() throws {
        let context: [String: Any] = [
            "hosts": [["name": "a", "gpus": 8], ["name": "b", "gpus": 0]] as [[String: Any]],
            "empty": [[String: Any]](),
            "type": ["name": "L40", "pools": ["spot", "ondemand"]] as [String: Any],
            "yes": true, "no": false, "label": "outer",
        ]
        let template = """
            {{#hosts}}[{{name}}:{{gpus}}:{{label}}]{{/hosts}}{{^empty}}none{{/empty}}{{#empty}}never{{/empty}}\
            {{#type}}{{name}}{{#pools}}<{{.}}>{{/pools}}{{/type}}{{type.name}}{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^no}}!N{{/no}}{{! a comment }}
            """
        #expect(try render(["page": template], context) == "[a:8:outer][b:0:outer]noneL40<spot><ondemand>L40Y!N")
    }

    @Test func partialsSeeTheSameContext() throws {
        let output = try render(["page": "<{{> row}}>{{#items}}{{> row}}{{/items}}", "row": "{{name}};"],
                                ["name": "top", "items": [["name": "x"], ["name": "y"]]])
        #expect(output == "<top;>x;y;")
    }

    @Test func mistakesAreReportedWithTheLine() throws {
        #expect(throws: SiteError.self) { try Template(name: "t", text: "{{#a}}\n{{/b}}") }
        #expect(throws: SiteError("overview.mustache:2: {{#types}} is never closed",
                                  hint: "fix the template (Mustache syntax: {{name}}, {{#section}}…{{/section}})")) {
            try Template(name: "overview.mustache", text: "line 1\nline 2 {{#types}}\nno end")
        }
        #expect(throws: SiteError.self) { try Template(name: "t", text: "{{name") }
        #expect(throws: SiteError.self) { try Template(name: "t", text: "{{/a}}") }
        #expect(throws: SiteError.self) { try Template(name: "t", text: "{{a b}}") }
        #expect(throws: SiteError.self) { try render(["page": "{{> nowhere}}"], [:]) }
        #expect(throws: SiteError.self) { try render(["page": "{{> page}}"], [:]) }
    }
}
