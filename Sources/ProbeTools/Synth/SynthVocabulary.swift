// The concepts of the synthetic probe: which labels exist in which category, and their ids.
//
// Like real Broden, a few names live in two categories (grass, water and sand are both ADE-style
// "stuff" objects and OpenSurfaces-style materials; wall and window are objects indoors and
// parts of houses), so the primary category of those labels is decided by coverage.
import Dissection

/// The six Broden categories in Broden's `category.csv` order.
enum SynthCategory: Int, CaseIterable {
    case color, object, material, part, scene, texture

    var name: String { "\(self)" }
}

/// Label names per category and their global ids (1-based, numbered category by category in
/// category order, a name shared by two categories keeping its first id).
struct SynthVocabulary {
    static let objects = ["sky", "road", "wall", "floor", "water", "grass", "sand",
                          "ball", "house", "tree", "car", "flower", "fish", "cloud", "kite", "window", "moon"]
    static let materials = ["wood", "brick", "grass", "water", "metal", "fabric", "stone", "sand", "glass", "tile"]
    static let parts = ["wall", "roof", "door", "window", "body", "wheel", "trunk", "leaves", "petal", "stem",
                        "tail", "fin", "eye"]
    static let scenes = ["street-s", "beach-s", "field-s", "forest-s", "underwater-s", "room-s", "night-s", "desert-s"]
    static let textures = ["striped", "dotted", "checkered", "zigzagged", "grid", "wavy", "cracked", "marbled"]

    /// Names per category, in `SynthCategory` order.
    static let namesByCategory: [[String]] = [
        ColorName.allCases.map(\.labelName), objects, materials, parts, scenes, textures,
    ]

    /// `names[id]` is the name of label `id`; `names[0]` is "-".
    let names: [String]
    /// Label id of each name.
    let ids: [String: Int]

    init() {
        var names = ["-"]
        var ids: [String: Int] = [:]
        for category in Self.namesByCategory {
            for name in category where ids[name] == nil {
                ids[name] = names.count
                names.append(name)
            }
        }
        self.names = names
        self.ids = ids
    }

    /// The id of `name`, which must be in the vocabulary.
    subscript(_ name: String) -> UInt32 {
        guard let id = ids[name] else { preconditionFailure("SynthVocabulary: no label '\(name)'") }
        return UInt32(id)
    }

    /// The id of colour `color`.
    func id(_ color: ColorName) -> UInt32 { self[color.labelName] }

    static let shared = SynthVocabulary()
}
