// The units table's view model: the selected layer's units sorted, filtered and searched.
//
// The selection is kept by unit number, not by row, so that when provisional results arrive
// and rows reorder, the same unit stays selected and the scroll position moves only as much as
// needed to keep it in view.

import Foundation

/// A column the units table can be sorted by.
public enum UnitSort: String, CaseIterable, Hashable, Sendable {
    case iou, unit, label, category

    /// The heading shown in the title.
    public var title: String {
        switch self {
        case .iou: "IoU"
        case .unit: "unit"
        case .label: "label"
        case .category: "category"
        }
    }

    /// The natural direction: IoU best first, the others ascending.
    public var descendingByDefault: Bool { self == .iou }

    /// The next sort in the cycle.
    public var next: UnitSort {
        let all = UnitSort.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}

/// The units table: derived rows plus what the user chose.
public struct UnitsPane: Hashable, Sendable {
    /// The sort column.
    public var sort: UnitSort = .iou
    /// Whether the sort runs against the column's natural direction.
    public var reversed = false
    /// Only this category, or all.
    public var category: String?
    public var detectorsOnly = false
    /// The active search (case-insensitive substring of the label), or empty.
    public var query = ""
    /// Rows shown, after sort and filters.
    public private(set) var rows: [UnitRow] = []
    /// Row indices whose label matches `query`.
    public private(set) var matches: [Int] = []
    /// The selected unit, kept across re-sorts and updates once the user has chosen it.
    public var selectedUnit: Int? { didSet { if selectedUnit == nil { chosen = false } } }
    /// Whether the user chose the selection (by key, mouse or search). Until then the selection
    /// follows the first row, so a live run's best units stay in view as they change.
    public var chosen = false
    /// Selection and scroll over `rows`.
    public var cursor = ListCursor()

    public init() {}

    /// Rebuilds `rows` from `units`, keeping the selected unit and the scroll position.
    ///
    /// - Parameters:
    ///   - units: every unit of the selected layer.
    ///   - threshold: the detector threshold.
    ///   - visible: rows the table shows at once.
    public mutating func refresh(_ units: [UnitRow], threshold: Double, visible: Int) {
        var kept = units
        if let category { kept = kept.filter { $0.category == category } }
        if detectorsOnly { kept = kept.filter { $0.iou >= threshold } }
        kept.sort(by: ordering)
        rows = kept
        matches = query.isEmpty ? [] : rows.indices.filter { Self.matches(rows[$0].label, query) }
        if !chosen {
            cursor = ListCursor()
        } else if let unit = selectedUnit, let row = rows.firstIndex(where: { $0.unit == unit }) {
            cursor.selected = row
        }
        cursor.clamp(count: rows.count, visible: visible)
        selectedUnit = rows.indices.contains(cursor.selected) ? rows[cursor.selected].unit : selectedUnit
    }

    /// Moves the selection to `row` and remembers its unit.
    public mutating func select(row: Int, visible: Int) {
        cursor.select(row, count: rows.count, visible: visible)
        if rows.indices.contains(cursor.selected) { selectedUnit = rows[cursor.selected].unit; chosen = true }
    }

    /// Moves the selection by `delta` rows.
    public mutating func move(by delta: Int, visible: Int) {
        select(row: cursor.selected + delta, visible: visible)
    }

    /// The selected row, if any.
    public var selectedRow: UnitRow? {
        rows.indices.contains(cursor.selected) ? rows[cursor.selected] : nil
    }

    /// The first match after (or, backwards, before) the selection, wrapping; nil when none.
    public func match(after row: Int, backwards: Bool = false) -> Int? {
        guard !matches.isEmpty else { return nil }
        if backwards { return matches.last(where: { $0 < row }) ?? matches.last }
        return matches.first(where: { $0 > row }) ?? matches.first
    }

    /// Whether `label` matches `query` (case-insensitive substring).
    public static func matches(_ label: String, _ query: String) -> Bool {
        !query.isEmpty && label.range(of: query, options: .caseInsensitive) != nil
    }

    /// Whether `a` comes before `b` in the current sort. Ties go to IoU, then unit number, so
    /// the order is total and stable across updates.
    func ordering(_ a: UnitRow, _ b: UnitRow) -> Bool {
        func tieBreak() -> Bool { a.iou != b.iou ? a.iou > b.iou : a.unit < b.unit }
        let descending = sort.descendingByDefault != reversed
        switch sort {
        case .iou:
            if a.iou != b.iou { return descending ? a.iou > b.iou : a.iou < b.iou }
            return a.unit < b.unit
        case .unit:
            return descending ? a.unit > b.unit : a.unit < b.unit
        case .label:
            let c = a.label.localizedStandardCompare(b.label)
            if c != .orderedSame { return descending ? c == .orderedDescending : c == .orderedAscending }
            return tieBreak()
        case .category:
            if a.category != b.category { return descending ? a.category > b.category : a.category < b.category }
            return tieBreak()
        }
    }
}

