// The semantic colour keys of a theme, each with what it colours and its default.
//
// The defaults below are the dark theme: complete, so that a theme file only has to name what it
// changes. `themes/dark.theme` lists the same values (a test keeps the two equal), so users can
// copy it as the starting point of their own.
import Render

/// One semantic colour of the explorer, named as in a theme file (`theme[main_bg]="#..."`).
public enum ThemeKey: String, CaseIterable, Sendable, Hashable {
    case mainBG = "main_bg"
    case mainFG = "main_fg"
    case title = "title"
    case hiFG = "hi_fg"
    case inactiveFG = "inactive_fg"
    case border = "border"
    case borderFocus = "border_focus"
    case selectedBG = "selected_bg"
    case selectedFG = "selected_fg"
    case matchFG = "match_fg"
    case detector = "detector"
    case iouLow = "iou_low"
    case iouHigh = "iou_high"
    case progressBar = "progress_bar"
    case progressBG = "progress_bg"
    case paused = "paused"
    case warning = "warning"
    case error = "error"
    case overlayBG = "overlay_bg"
    case catObject = "cat_object"
    case catPart = "cat_part"
    case catMaterial = "cat_material"
    case catColor = "cat_color"
    case catScene = "cat_scene"
    case catTexture = "cat_texture"
    case catOther = "cat_other"

    /// What the key colours, written as the comment above it in a theme file.
    public var meaning: String {
        switch self {
        case .mainBG: "Background of every pane; empty for the terminal's own background"
        case .mainFG: "Ordinary text"
        case .title: "Pane titles and the run line at the top"
        case .hiFG: "Key letters in hints and in the help overlay"
        case .inactiveFG: "Secondary text: column headings, counts, hints, placeholders"
        case .border: "Borders of panes that do not have the keyboard"
        case .borderFocus: "Border of the pane that has the keyboard"
        case .selectedBG: "Background of the selected row; empty to show it in reverse video"
        case .selectedFG: "Text of the selected row"
        case .matchFG: "Labels that match the current search"
        case .detector: "The detector mark and detector counts"
        case .iouLow: "IoU below the detector threshold"
        case .iouHigh: "IoU of strong detectors (the top of the IoU colour ramp)"
        case .progressBar: "Filled part of the progress bar"
        case .progressBG: "Empty part of the progress bar"
        case .paused: "The PAUSED badge of a paused run"
        case .warning: "Warnings: skipped images, theme problems, provisional results"
        case .error: "Errors"
        case .overlayBG: "Background of the help overlay, dialogs and the larger image view"
        case .catObject: "Bars and names of the object category"
        case .catPart: "Bars and names of the part category"
        case .catMaterial: "Bars and names of the material category"
        case .catColor: "Bars and names of the color category"
        case .catScene: "Bars and names of the scene category"
        case .catTexture: "Bars and names of the texture category"
        case .catOther: "Bars and names of any other category"
        }
    }

    /// The default value (the dark theme).
    public var defaultColor: ThemeColor {
        switch self {
        case .mainBG: .rgb(RGBColor(packed: 0x15171C))
        case .mainFG: .rgb(RGBColor(packed: 0xD8DEE9))
        case .title: .rgb(RGBColor(packed: 0xE5E9F0))
        case .hiFG: .rgb(RGBColor(packed: 0xEBCB8B))
        case .inactiveFG: .rgb(RGBColor(packed: 0x7B8394))
        case .border: .rgb(RGBColor(packed: 0x434C5E))
        case .borderFocus: .rgb(RGBColor(packed: 0x88C0D0))
        case .selectedBG: .rgb(RGBColor(packed: 0x2E3A4F))
        case .selectedFG: .rgb(RGBColor(packed: 0xFFFFFF))
        case .matchFG: .rgb(RGBColor(packed: 0xEBCB8B))
        case .detector: .rgb(RGBColor(packed: 0xA3BE8C))
        case .iouLow: .rgb(RGBColor(packed: 0x6B7385))
        case .iouHigh: .rgb(RGBColor(packed: 0xA3BE8C))
        case .progressBar: .rgb(RGBColor(packed: 0x88C0D0))
        case .progressBG: .rgb(RGBColor(packed: 0x2B303B))
        case .paused: .rgb(RGBColor(packed: 0xEBCB8B))
        case .warning: .rgb(RGBColor(packed: 0xD08770))
        case .error: .rgb(RGBColor(packed: 0xBF616A))
        case .overlayBG: .rgb(RGBColor(packed: 0x1E222A))
        case .catObject: .rgb(RGBColor(packed: 0x81A1C1))
        case .catPart: .rgb(RGBColor(packed: 0xB48EAD))
        case .catMaterial: .rgb(RGBColor(packed: 0xD08770))
        case .catColor: .rgb(RGBColor(packed: 0xEBCB8B))
        case .catScene: .rgb(RGBColor(packed: 0xA3BE8C))
        case .catTexture: .rgb(RGBColor(packed: 0x8FBCBB))
        case .catOther: .rgb(RGBColor(packed: 0x9AA3B2))
        }
    }

    /// The key that colours a category's bars, by the category's Broden name.
    public static func category(_ name: String) -> ThemeKey {
        switch name.lowercased() {
        case "object": .catObject
        case "part": .catPart
        case "material": .catMaterial
        case "color", "colour": .catColor
        case "scene": .catScene
        case "texture": .catTexture
        default: .catOther
        }
    }
}
