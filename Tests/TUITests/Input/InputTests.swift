// The key-binding table (no conflicts, help and README generated from it) and key decoding.

import CNcursesw
import Foundation
import Testing
import TestSupport
@testable import TUI

@Suite struct InputTests {
    @Test func noKeyIsBoundTwiceInOneScope() {
        for scope in BindingScope.allCases {
            var seen: [Key: Action] = [:]
            for b in KeyBindings.table where b.scope == scope {
                for key in b.keys {
                    #expect(seen[key] == nil || seen[key] == b.action, "\(key) bound twice in \(scope)")
                    seen[key] = b.action
                }
            }
        }
    }

    @Test func everyActionHasAKey() {
        let bound = Set(KeyBindings.table.map(\.action))
        for action in Action.allCases { #expect(bound.contains(action), "\(action) has no key") }
    }

    @Test func helpListsEveryBinding() {
        let text = HelpPresenter.lines(theme: .default, glyphs: .utf8, width: 76).map(\.text).joined(separator: "\n")
        for b in KeyBindings.table { #expect(text.contains(b.help), "\(b.help)") }
    }

    @Test func readmeKeysSectionMatchesTheTable() throws {
        let readme = URL(fileURLWithPath: packagePath("README.md"))
        let text = try String(contentsOf: readme, encoding: .utf8)
        let begin = "<!-- keys: generated from KeyBindings.table (RECORD_SNAPSHOTS=1 swift test --filter readmeKeys) -->"
        let end = "<!-- end keys -->"
        guard let a = text.range(of: begin), let b = text.range(of: end) else {
            Issue.record("README.md has no generated keys section"); return
        }
        let section = String(text[a.upperBound..<b.lowerBound])
        let generated = KeyBindings.markdown() + "\n"
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try text.replacingCharacters(in: a.upperBound..<b.lowerBound, with: generated)
                .write(to: readme, atomically: true, encoding: .utf8)
            return
        }
        #expect(section == generated, "README keys are stale: RECORD_SNAPSHOTS=1 swift test --filter readmeKeys")
    }

    @Test func decodingCharactersAndFunctionKeys() {
        #expect(KeyDecoder.character(0x0D) == .enter)
        #expect(KeyDecoder.character(0x1B) == .escape)
        #expect(KeyDecoder.character(0x09) == .tab)
        #expect(KeyDecoder.character(0x7F) == .backspace)
        #expect(KeyDecoder.character(0x03) == .ctrl("c"))
        #expect(KeyDecoder.character(0x6A) == .char("j"))
        #expect(KeyDecoder.character(0xE9) == .char("é"))
        #expect(KeyDecoder.functionKey(KEY_NPAGE) == .pageDown)
        #expect(KeyDecoder.functionKey(KEY_BTAB) == .backTab)
        #expect(KeyDecoder.functionKey(nd_key_f(5)) == .function(5))
    }
}
