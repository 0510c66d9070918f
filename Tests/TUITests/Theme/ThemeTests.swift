// Theme files: btop's format, partial files over complete defaults, warnings not failures, and
// the search path (user themes before shipped ones).

import Foundation
import Render
import Testing
import TestSupport
@testable import TUI

@Suite struct ThemeTests {
    /// The repository's themes/ folder.
    static let shipped = packagePath("themes")

    @Test func colourValues() {
        #expect(ThemeFile.parseColor("#1a2B3c") == .rgb(RGBColor(0x1A, 0x2B, 0x3C)))
        #expect(ThemeFile.parseColor("#7f") == .rgb(RGBColor(127, 127, 127)))
        #expect(ThemeFile.parseColor("10 20 30") == .rgb(RGBColor(10, 20, 30)))
        #expect(ThemeFile.parseColor("") == .terminalDefault)
        for bad in ["#12345", "#gg0000", "300 0 0", "1 2", "red", "#"] {
            #expect(ThemeFile.parseColor(bad) == nil, "\(bad)")
        }
    }

    @Test func partialFileOverridesOnlyWhatItNames() {
        let (entries, warnings) = ThemeFile.parse("# comment\ntheme[main_fg]=\"#ff0000\"\n\ntheme[title]=#00ff00\n", file: "t")
        #expect(warnings.isEmpty)
        let theme = Theme(name: "t", overrides: entries)
        #expect(theme[.mainFG] == .rgb(RGBColor(255, 0, 0)))
        #expect(theme[.title] == .rgb(RGBColor(0, 255, 0)))
        #expect(theme[.mainBG] == ThemeKey.mainBG.defaultColor)
    }

    @Test func unknownKeysAndBadLinesOnlyWarn() {
        let text = "theme[main_fg]=\"#ffffff\"\ntheme[cpu_box]=\"#000000\"\nnonsense\ntheme[title]=\"blue\"\ntheme[hi_fg]=\"#123456\n"
        let (entries, warnings) = ThemeFile.parse(text, file: "x.theme")
        #expect(entries.count == 1)
        #expect(warnings.map(\.line) == [2, 3, 4, 5])
        #expect(warnings[0].description.hasPrefix("x.theme:2: unknown key 'cpu_box'"))
    }

    @Test func hostileKeyNamesAreSanitisedInWarnings() {
        let (_, warnings) = ThemeFile.parse("theme[\u{1B}]2;pwned\u{07}]=\"\"", file: "t")
        #expect(!warnings[0].message.contains("\u{1B}"))
    }

    @Test func shippedThemesParseCleanlyAndDocumentEveryKey() throws {
        for name in ["dark", "light", "mono"] {
            let text = try String(contentsOfFile: Self.shipped + "/\(name).theme", encoding: .utf8)
            let (entries, warnings) = ThemeFile.parse(text, file: name)
            #expect(warnings.isEmpty, "\(name): \(warnings)")
            #expect(Set(entries.keys) == Set(ThemeKey.allCases), "\(name) names every key")
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for key in ThemeKey.allCases {
                let i = lines.firstIndex { $0.hasPrefix("theme[\(key.rawValue)]=") }!
                #expect(lines[i - 1] == "# " + key.meaning, "\(name): comment above \(key.rawValue)")
            }
        }
    }

    @Test func darkThemeFileEqualsTheDefaultsInCode() throws {
        let text = try String(contentsOfFile: Self.shipped + "/dark.theme", encoding: .utf8)
        let theme = Theme(name: "dark", overrides: ThemeFile.parse(text, file: "dark").entries)
        for key in ThemeKey.allCases { #expect(theme[key] == key.defaultColor, "\(key.rawValue)") }
    }

    @Test func userThemesComeFirstAndPathsWork() throws {
        let user = try makeTemporaryDirectory("themes")
        try "theme[title]=\"#010203\"\n".write(toFile: user + "/light.theme", atomically: true, encoding: .utf8)
        let loader = ThemeLoader(searchPaths: [user, Self.shipped])
        let (light, _) = try loader.load("light")
        #expect(light[.title] == .rgb(RGBColor(1, 2, 3)))
        #expect(light[.mainBG] == ThemeKey.mainBG.defaultColor, "partial user theme over the defaults")
        let (mono, _) = try loader.load("mono")
        #expect(mono[.selectedBG] == .terminalDefault)
        let (byPath, _) = try loader.load(user + "/light.theme")
        #expect(byPath.name == "light")
        #expect(loader.available() == ["dark", "light", "mono"])
        #expect(try loader.load("default").theme == Theme.default)
    }

    @Test func standardSearchPathUsesXDG() {
        let loader = ThemeLoader.standard(environment: ["XDG_CONFIG_HOME": "/cfg", "HOME": "/home/u"], executable: "/nowhere/bin/netdissect")
        #expect(loader.searchPaths.first == "/cfg/netdissect/themes")
        let home = ThemeLoader.standard(environment: ["HOME": "/home/u"], executable: "/nowhere/bin/netdissect")
        #expect(home.searchPaths.first == "/home/u/.config/netdissect/themes")
    }

    @Test func missingThemeNamesWhatExists() {
        let loader = ThemeLoader(searchPaths: [Self.shipped])
        #expect(throws: ThemeError.self) { try loader.load("solarized") }
        do { _ = try loader.load("solarized") } catch {
            #expect(error.description.contains("available: dark, light, mono"))
        }
    }

    @Test func paletteMapping() {
        #expect(ColorPalette.nearest256(RGBColor(255, 0, 0)) == 196)
        #expect(ColorPalette.nearest256(RGBColor(0, 0, 0)) == 16)
        #expect(ColorPalette.nearest256(RGBColor(128, 128, 128)) == 244)
        #expect(ColorPalette.nearest8(RGBColor(250, 10, 10)) == 1)
        #expect(ColorPalette.nearest8(RGBColor(20, 20, 20)) == 0)
        withEvery("index", in: 16..<256) { i in
            #expect(ColorPalette.nearest256(XTerm256.color(i)) == i || XTerm256.color(ColorPalette.nearest256(XTerm256.color(i))) == XTerm256.color(i))
        }
    }

    @Test func aFIFOGivenAsAThemeIsRefusedAtOnce() throws {
        let dir = try makeTemporaryDirectory("nd-theme-fifo")
        let fifo = dir + "/pipe.theme"
        #expect(mkfifo(fifo, 0o600) == 0)
        let start = Date()
        do {
            _ = try ThemeLoader(searchPaths: [dir]).load(fifo)
            Issue.record("a FIFO loaded as a theme")
        } catch {
            guard case let .unreadable(path, cause) = error else { Issue.record("\(error)"); return }
            #expect(path == fifo && cause.contains("not a regular file"))
        }
        #expect(Date().timeIntervalSince(start) < 5)
    }
}
