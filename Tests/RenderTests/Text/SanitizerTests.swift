import Testing
@testable import Render

/// Hostile label names, as a downloaded label.csv could carry them.
let hostileLabels: [(name: String, raw: String)] = [
    ("csi colour", "dog\u{1B}[31mred\u{1B}[0m"),
    ("csi clear screen", "\u{1B}[2J\u{1B}[Hcat"),
    ("osc clipboard with BEL", "sky\u{1B}]52;c;cm0gLXJmIH4=\u{07}"),
    ("osc title with ST", "\u{1B}]0;pwned\u{1B}\\tree"),
    ("dcs sixel", "\u{1B}Pq#0;2;0;0;0~~\u{1B}\\grass"),
    ("8-bit csi", "car\u{9B}31mpet"),
    ("8-bit osc", "\u{9D}0;title\u{9C}wall"),
    ("nul and bell", "flo\u{0}or\u{07}"),
    ("bidi override", "\u{202E}gpj.exe"),
    ("bidi isolate", "a\u{2066}b\u{2069}c"),
    ("newline injection", "person\nFAKE LINE"),
    ("html", "<script>alert('x')</script>&\"q\""),
    ("del and c1", "x\u{7F}y\u{85}z\u{8D}w"),
    ("truncated escape", "end\u{1B}["),
]

@Suite struct SanitizerTests {
    @Test func terminalTextHasNoControlsLeft() {
        for (name, raw) in hostileLabels {
            let clean = TerminalText.sanitize(raw)
            #expect(!clean.unicodeScalars.contains { TerminalText.isInvisibleControl($0) }, "\(name): \(clean.debugDescription)")
            #expect(!clean.contains("\n"), "\(name)")
        }
    }

    @Test func terminalTextKeepsTheVisibleWords() {
        #expect(TerminalText.sanitize("dog\u{1B}[31mred\u{1B}[0m") == "dogred")
        #expect(TerminalText.sanitize("\u{1B}[2J\u{1B}[Hcat") == "cat")
        #expect(TerminalText.sanitize("sky\u{1B}]52;c;cm0gLXJmIH4=\u{07}") == "sky")
        #expect(TerminalText.sanitize("\u{1B}]0;pwned\u{1B}\\tree") == "tree")
        #expect(TerminalText.sanitize("\u{1B}Pq#0;2;0;0;0~~\u{1B}\\grass") == "grass")
        #expect(TerminalText.sanitize("car\u{9B}31mpet") == "carpet")
        #expect(TerminalText.sanitize("\u{9D}0;title\u{9C}wall") == "wall")
        #expect(TerminalText.sanitize("flo\u{0}or\u{07}") == "floor")
        #expect(TerminalText.sanitize("\u{202E}gpj.exe") == "gpj.exe")
        #expect(TerminalText.sanitize("person\nFAKE LINE") == "person FAKE LINE")
        #expect(TerminalText.sanitize("end\u{1B}[") == "end")
        #expect(TerminalText.sanitize("café 猫 👍") == "café 猫 👍")
    }

    @Test func displayWidthCountsWideAndZeroWidth() {
        #expect(TerminalText.displayWidth("abc") == 3)
        #expect(TerminalText.displayWidth("猫猫") == 4)
        #expect(TerminalText.displayWidth("e\u{301}") == 1)
        #expect(TerminalText.truncate("abcdef", toWidth: 4) == "abc…")
        #expect(TerminalText.truncate("猫猫猫", toWidth: 4) == "猫…")
        #expect(TerminalText.pad("ab", toWidth: 4) == "ab  ")
    }

    @Test func htmlEscapeLeavesNoMarkupOrControls() {
        for (name, raw) in hostileLabels {
            let safe = HTMLText.escape(raw)
            #expect(!safe.contains("<") && !safe.contains(">") && !safe.contains("\""), "\(name)")
            #expect(!safe.unicodeScalars.contains { TerminalText.isInvisibleControl($0) }, "\(name)")
        }
        #expect(HTMLText.escape("<b>&'") == "&lt;b&gt;&amp;&#39;")
    }

    @Test func urlPathsArePercentEncoded() {
        #expect(HTMLText.urlPath("conv5/unit 3\".jpg") == "conv5/unit%203%22.jpg")
        #expect(HTMLText.urlPath("a/b-c_d.png") == "a/b-c_d.png")
    }
}
