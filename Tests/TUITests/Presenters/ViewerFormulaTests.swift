// The larger view outlines the unit's stored formula beside its mask when asked (`f`): the
// picture asked for is the outlined one, the caption becomes the two outlines' legend, and a
// unit without a formula shows the view as before. The formula's mask follows the labels.

import Dissection
import Render
import Testing
@testable import TUI

@Suite struct ViewerFormulaTests {
    /// The viewer open on a finished sample run whose units have a formula, captions saying
    /// whether an outlined picture exists.
    func viewer(hasFormula: Bool) -> AppState {
        var snapshot = SampleRun.finished()
        for l in snapshot.layers.indices {
            for u in snapshot.layers[l].units.indices {
                snapshot.layers[l].units[u].formula = FormulaSummary(text: "(water OR river) AND NOT blue-c", iou: 0.1534,
                                                                     search: "optimal", length: 3)
            }
        }
        var s = SampleRun.state(snapshot, rows: 24, columns: 80)
        var captions = SampleRun.captions(4)
        for k in captions.indices { captions[k].hasFormula = hasFormula }
        _ = s.update(.imagesLoaded(s.selectedUnit!, .success(captions)))
        _ = s.update(.key(.enter))
        return s
    }

    /// The pictures the larger view asks for (the frame keeps only those already drawn).
    func asked(_ s: AppState) -> [PictureKey] {
        ViewerPresenter.present(s.detail, result: s.selectedResult, terminal: s.terminal, ready: [], theme: .default,
                                height: 20, width: 76).pictures.map(\.key)
    }

    @Test func fOutlinesTheFormulaAndTheCaptionIsTheLegend() {
        var s = viewer(hasFormula: true)
        #expect(s.overlay == .viewer)
        var frame = FramePresenter.present(s, theme: .default)
        #expect(!asked(s).isEmpty && asked(s).allSatisfy { !$0.formula })
        #expect(frame.text.contains("f formula outline"), "\(frame.text)")
        #expect(frame.text.contains("probe image 101"))
        _ = s.update(.key(.char("f")))
        #expect(s.detail.showFormula)
        frame = FramePresenter.present(s, theme: .default)
        #expect(!asked(s).isEmpty && asked(s).allSatisfy { $0.formula })
        #expect(frame.text.contains("unit mask yellow, (water OR river) AND NOT blue-c cyan (IoU 0.153)"), "\(frame.text)")
        #expect(frame.text.contains("f hide the formula"))
        #expect(!frame.text.contains("probe image 101"))
        #expect(Set(frame.text.split(separator: "\n").map(\.count)).count == 1, "every line keeps the frame's width")
        // Stepping keeps the choice; `f` again turns it off.
        _ = s.update(.key(.right))
        #expect(!asked(s).isEmpty && asked(s).allSatisfy { $0.formula })
        _ = s.update(.key(.char("f")))
        #expect(!s.detail.showFormula)
        #expect(!asked(s).isEmpty && asked(s).allSatisfy { !$0.formula })
    }

    @Test func withoutAnOutlinedPictureTheViewIsUnchanged() {
        var s = viewer(hasFormula: false)
        let before = FramePresenter.present(s, theme: .default)
        _ = s.update(.key(.char("f")))
        let after = FramePresenter.present(s, theme: .default)
        #expect(!asked(s).isEmpty && asked(s).allSatisfy { !$0.formula })
        #expect(!after.text.contains("formula") && after.text == before.text)
    }

    /// Objects a (1), b (2) on a 4x4 image, part d (4), scene s (9) over the whole image.
    @Test func formulaMaskFollowsTheLabels() {
        let catalog = ConceptCatalog(
            categories: [ConceptCategory(name: "object", kind: .pixel), ConceptCategory(name: "part", kind: .pixel),
                         ConceptCategory(name: "scene", kind: .image)],
            labels: [ConceptLabel(id: 1, name: "a", category: 0), ConceptLabel(id: 2, name: "b", category: 0),
                     ConceptLabel(id: 4, name: "d", category: 1), ConceptLabel(id: 9, name: "s", category: 2)])
        let object: [UInt32] = [1, 1, 2, 2, 1, 1, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0]
        let part: [UInt32] = [4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0]
        let masks = LabelMasks(ImageAnnotation(height: 4, width: 4,
                                               pixelLayers: [PixelLayer(category: 0, labels: object), PixelLayer(category: 1, labels: part)],
                                               imageLabels: [ImageLevelLabels(category: 2, ids: [9])]), catalog: catalog)
        func bits(_ f: Formula) -> [Bool] { FormulaOutline.mask(f, masks: masks).bits }
        #expect(bits(Formula(1).appending(.or, 2)) == object.map { $0 != 0 })
        #expect(bits(Formula(1).appending(.andNot, 4)) == zip(object, part).map { $0 == 1 && $1 != 4 })
        #expect(bits(Formula(9).appending(.and, 4)) == part.map { $0 == 4 })
        #expect(bits(Formula(9)) == [Bool](repeating: true, count: 16))
        #expect(bits(Formula(3)) == [Bool](repeating: false, count: 16), "a label not on the image")
        // Nearest-neighbour to the picture's size, then only the edge is painted.
        let big = FormulaOutline.resized(FormulaOutline.mask(Formula(1), masks: masks), width: 8, height: 8)
        #expect(big[0, 0] && big[3, 3] && !big[4, 0] && !big[0, 4])
        // a covers x, y in 0..<4 of 8x8: its edge toward the rest (the image border is no edge).
        let picture = RGBImage(width: 8, height: 8, fill: (10, 20, 30))
        let drawn = FormulaOutline.draw(FormulaOutline.mask(Formula(1), masks: masks), on: picture)
        #expect(drawn[3, 1] == (0, 200, 255) && drawn[1, 3] == (0, 200, 255))
        #expect(drawn[1, 1] == (10, 20, 30) && drawn[7, 7] == (10, 20, 30) && drawn[0, 0] == (10, 20, 30))
    }
}
