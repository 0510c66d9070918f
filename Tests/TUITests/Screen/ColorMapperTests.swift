// What the screen does with a theme's colours at each terminal depth: a background the theme sets
// apart (the selected row) that the terminal cannot tell from the main one is shown in reverse
// video (issue 22, item 3: at TERM=xterm's eight colours the selection was only bold).

import Testing
import Render
@testable import TUI

@Suite struct ColorMapperTests {
    let theme = Theme.default

    @Test func theSelectionIsReversedWhereItsColourCannotBeShown() {
        let eight = ColorMapper(depth: .ansi8, mainBackground: theme[.mainBG])
        #expect(eight.colorNumber(theme[.selectedBG]) == eight.colorNumber(theme[.mainBG]), "the premise: both are black at 8 colours")
        #expect(eight.showsInReverse(theme.selected))
        #expect(eight.showsInReverse(theme.selectedInactive))
        #expect(!eight.showsInReverse(theme.normal))
        #expect(ColorMapper(depth: .monochrome, mainBackground: theme[.mainBG]).showsInReverse(theme.selected))
    }

    @Test func aSelectionThatCanBeShownKeepsItsColours() {
        #expect(!ColorMapper(depth: .palette256, mainBackground: theme[.mainBG]).showsInReverse(theme.selected))
        #expect(!ColorMapper(depth: .truecolor, mainBackground: theme[.mainBG]).showsInReverse(theme.selected))
        // A theme whose selection is a distinct one of the eight colours keeps it.
        var blue = theme
        blue[.selectedBG] = .rgb(RGBColor(0, 0, 0xC0))
        let eight = ColorMapper(depth: .ansi8, mainBackground: blue[.mainBG])
        #expect(eight.colorNumber(blue[.selectedBG]) != eight.colorNumber(blue[.mainBG]))
        #expect(!eight.showsInReverse(blue.selected))
    }
}
