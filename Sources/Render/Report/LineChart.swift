// A small line chart as inline SVG, for curves like the rotation experiment's unique detectors
// against α: one polyline per series over shared x values, dots with tooltips, a y grid with
// whole-number ticks, and a legend. Plain values in, one self-contained `<svg>` out.

/// One curve of a line chart.
public struct ChartSeries: Sendable, Equatable {
    /// Legend name.
    public var name: String
    /// One value per x, in the chart's x order.
    public var values: [Double]
    /// Stroke colour.
    public var color: RGBColor
    /// Whether to draw it heavier (a total over the others).
    public var emphasised: Bool

    public init(name: String, values: [Double], color: RGBColor, emphasised: Bool = false) {
        self.name = name; self.values = values; self.color = color; self.emphasised = emphasised
    }
}

/// A line chart's content.
public struct LineChart: Sendable, Equatable {
    /// The x values, ascending.
    public var x: [Double]
    /// How each x is written on the axis.
    public var xLabels: [String]
    /// The axis titles.
    public var xTitle: String, yTitle: String
    /// The curves.
    public var series: [ChartSeries]

    public init(x: [Double], xLabels: [String], xTitle: String, yTitle: String, series: [ChartSeries]) {
        precondition(x.count == xLabels.count, "LineChart: \(x.count) x values, \(xLabels.count) labels")
        precondition(series.allSatisfy { $0.values.count == x.count }, "LineChart: a series does not have one value per x")
        self.x = x; self.xLabels = xLabels; self.xTitle = xTitle; self.yTitle = yTitle; self.series = series
    }

    /// The `<svg>` element (no scripts; every text escaped).
    public var svg: String {
        let left = 46, right = 150, top = 14, plotWidth = 420, plotHeight = 200, bottom = 44
        let width = left + plotWidth + right, height = top + plotHeight + bottom
        let xMin = x.first ?? 0, xMax = x.last ?? 1
        let span = xMax > xMin ? xMax - xMin : 1
        let yMax = max(1, series.flatMap(\.values).filter(\.isFinite).max() ?? 1)
        let tick = Self.tick(yMax)
        let top_ = (yMax / tick).rounded(.up) * tick
        func px(_ v: Double) -> Int { left + Int(((v - xMin) / span * Double(plotWidth)).rounded()) }
        func py(_ v: Double) -> Int { top + plotHeight - Int((v / top_ * Double(plotHeight)).rounded()) }
        var s = #"<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="\#(width)" height="\#(height)" viewBox="0 0 \#(width) \#(height)" role="img" aria-label="\#(HTMLText.escape(yTitle)) against \#(HTMLText.escape(xTitle))">"#
        var value = 0.0
        while value <= top_ + 1e-9 {
            let y = py(value)
            s += #"<line class="grid" x1="\#(left)" y1="\#(y)" x2="\#(left + plotWidth)" y2="\#(y)"/>"#
            s += #"<text class="tick" x="\#(left - 6)" y="\#(y + 4)" text-anchor="end">\#(Self.number(value))</text>"#
            value += tick
        }
        for (v, label) in zip(x, xLabels) {
            s += #"<text class="tick" x="\#(px(v))" y="\#(top + plotHeight + 16)" text-anchor="middle">\#(HTMLText.escape(label))</text>"#
        }
        s += #"<text class="axis" x="\#(left + plotWidth / 2)" y="\#(height - 6)" text-anchor="middle">\#(HTMLText.escape(xTitle))</text>"#
        s += #"<text class="axis" x="12" y="\#(top + plotHeight / 2)" transform="rotate(-90 12 \#(top + plotHeight / 2))" text-anchor="middle">\#(HTMLText.escape(yTitle))</text>"#
        for (k, series) in self.series.enumerated() {
            let color = series.color.hex, stroke = series.emphasised ? 3 : 2
            let points = zip(x, series.values).filter { $0.1.isFinite }.map { "\(px($0.0)),\(py($0.1))" }.joined(separator: " ")
            s += #"<polyline fill="none" stroke="\#(color)" stroke-width="\#(stroke)" points="\#(points)"/>"#
            for (v, y) in zip(zip(x, xLabels), series.values) where y.isFinite {
                s += #"<circle cx="\#(px(v.0))" cy="\#(py(y))" r="\#(stroke + 1)" fill="\#(color)"><title>\#(HTMLText.escape(series.name)) at \#(HTMLText.escape(v.1)): \#(Self.number(y))</title></circle>"#
            }
            let ly = top + 10 + k * 18, lx = left + plotWidth + 16
            s += #"<line x1="\#(lx)" y1="\#(ly)" x2="\#(lx + 18)" y2="\#(ly)" stroke="\#(color)" stroke-width="\#(stroke)"/>"#
            s += #"<text class="legend" x="\#(lx + 24)" y="\#(ly + 4)">\#(HTMLText.escape(series.name))</text>"#
        }
        return s + "</svg>"
    }

    /// A whole-number tick step giving at most about five grid lines.
    static func tick(_ maxValue: Double) -> Double {
        for step in [1.0, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000] where maxValue / step <= 5 { return step }
        return (maxValue / 5).rounded(.up)
    }

    /// `3`, `2.5`.
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%.2f", v)
    }
}

import Foundation
