/// Inline SVG charts for the history page, drawn in Swift so the site needs no script to show them.
/// Every label is escaped; the drawing scales with its container (viewBox, width 100%).
enum SVGChart {
    struct Series {
        let label: String
        /// A CSS class that sets the colour (`pool-spot`, `pool-total`).
        let cssClass: String
        /// One value per x position; nil leaves a gap.
        let values: [Double?]
    }

    static let width = 720.0
    static let height = 240.0
    static let left = 44.0
    static let right = 12.0
    static let top = 12.0
    static let bottom = 28.0

    /// A line chart of percentages (0 to 100) over the snapshots.
    static func lines(title: String, xLabels: [String], series: [Series], maximum: Double = 100, unit: String = "%") -> String {
        let count = xLabels.count
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        func x(_ index: Int) -> Double {
            count <= 1 ? left + plotWidth / 2 : left + plotWidth * Double(index) / Double(count - 1)
        }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - min(max(value / maximum, 0), 1)) }

        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(format(width)) \(format(height))\" role=\"img\" aria-label=\"\(HTML.escape(title))\">"
        svg += "<title>\(HTML.escape(title))</title>"
        for step in 0...4 {
            let value = maximum * Double(step) / 4
            let lineY = y(value)
            svg += "<line class=\"grid\" x1=\"\(format(left))\" y1=\"\(format(lineY))\" x2=\"\(format(width - right))\" y2=\"\(format(lineY))\"/>"
            svg += "<text class=\"axis\" x=\"\(format(left - 6))\" y=\"\(format(lineY + 4))\" text-anchor=\"end\">\(format(value))\(HTML.escape(unit))</text>"
        }
        if let first = xLabels.first {
            svg += "<text class=\"axis\" x=\"\(format(left))\" y=\"\(format(height - 8))\">\(HTML.escape(first))</text>"
        }
        if count > 1, let last = xLabels.last {
            svg += "<text class=\"axis\" x=\"\(format(width - right))\" y=\"\(format(height - 8))\" text-anchor=\"end\">\(HTML.escape(last))</text>"
        }
        for line in series {
            var points: [String] = []
            var segments: [String] = []
            for (index, value) in line.values.enumerated() {
                if let value {
                    points.append("\(format(x(index))),\(format(y(value)))")
                } else if !points.isEmpty {
                    segments.append(points.joined(separator: " "))
                    points = []
                }
            }
            if !points.isEmpty { segments.append(points.joined(separator: " ")) }
            for segment in segments {
                if segment.contains(" ") {
                    svg += "<polyline class=\"series \(line.cssClass)\" points=\"\(segment)\"><title>\(HTML.escape(line.label))</title></polyline>"
                } else {
                    let parts = segment.split(separator: ",")
                    svg += "<circle class=\"series \(line.cssClass)\" cx=\"\(parts[0])\" cy=\"\(parts[1])\" r=\"3\"><title>\(HTML.escape(line.label))</title></circle>"
                }
            }
        }
        svg += "</svg>"
        return svg
    }

    /// A bar chart of counts over the snapshots (hosts moved per snapshot).
    static func bars(title: String, xLabels: [String], values: [Int], cssClass: String) -> String {
        let count = max(values.count, 1)
        let maximum = Double(max(values.max() ?? 0, 1))
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let slot = plotWidth / Double(count)
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(format(width)) \(format(height))\" role=\"img\" aria-label=\"\(HTML.escape(title))\">"
        svg += "<title>\(HTML.escape(title))</title>"
        // Whole numbers only, each once (a maximum of 1 gives the lines 0 and 1).
        for value in Set((0...2).map { (maximum * Double($0) / 2).rounded() }).sorted() {
            let lineY = top + plotHeight * (1 - value / maximum)
            svg += "<line class=\"grid\" x1=\"\(format(left))\" y1=\"\(format(lineY))\" x2=\"\(format(width - right))\" y2=\"\(format(lineY))\"/>"
            svg += "<text class=\"axis\" x=\"\(format(left - 6))\" y=\"\(format(lineY + 4))\" text-anchor=\"end\">\(format(value))</text>"
        }
        for (index, value) in values.enumerated() where value > 0 {
            let barHeight = plotHeight * Double(value) / maximum
            let label = index < xLabels.count ? xLabels[index] : ""
            svg += "<rect class=\"\(cssClass)\" x=\"\(format(left + slot * Double(index) + slot * 0.15))\" y=\"\(format(top + plotHeight - barHeight))\" "
                + "width=\"\(format(max(slot * 0.7, 1)))\" height=\"\(format(barHeight))\"><title>\(HTML.escape(label)): \(value)</title></rect>"
        }
        if let first = xLabels.first {
            svg += "<text class=\"axis\" x=\"\(format(left))\" y=\"\(format(height - 8))\">\(HTML.escape(first))</text>"
        }
        if xLabels.count > 1, let last = xLabels.last {
            svg += "<text class=\"axis\" x=\"\(format(width - right))\" y=\"\(format(height - 8))\" text-anchor=\"end\">\(HTML.escape(last))</text>"
        }
        svg += "</svg>"
        return svg
    }

    /// Numbers with at most one decimal, the same bytes on every machine.
    static func format(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = abs(tenths)
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}

/// HTML escaping for text built in Swift (the templates escape their own variables).
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
