// A strict well-formedness check for the pages we write: every element closed in order, void
// elements self-closed, attributes quoted and unique, only known entities, no stray `<` or `&`
// in text; <script> and <style> contents are raw text (as in HTML) but must not contain "</".
// Returns the problems found (empty when the page is well formed) and the attribute values seen.

struct MarkupCheck {
    var problems: [String] = []
    var attributes: [(tag: String, name: String, value: String)] = []
    var texts: [String] = []

    static let voidElements: Set<String> = ["meta", "img", "br", "input", "link", "hr"]
    static let entities: Set<String> = ["amp", "lt", "gt", "quot", "#39", "nbsp"]

    init(_ html: String) {
        let s = Array(html.unicodeScalars)
        var i = 0
        var stack: [String] = []
        func peek(_ text: String, at k: Int) -> Bool {
            let t = Array(text.unicodeScalars)
            return k + t.count <= s.count && Array(s[k..<(k + t.count)]) == t
        }
        func checkText(_ text: [Unicode.Scalar]) {
            var k = 0
            while k < text.count {
                if text[k] == "&" {
                    guard let semi = text[k...].firstIndex(of: ";"), semi - k <= 8 else {
                        problems.append("bare & in text"); k += 1; continue
                    }
                    let name = String(String.UnicodeScalarView(text[(k + 1)..<semi]))
                    if !MarkupCheck.entities.contains(name) { problems.append("unknown entity &\(name);") }
                    k = semi + 1; continue
                }
                if text[k] == ">" { problems.append("bare > in text") }
                k += 1
            }
        }
        var textStart = 0
        while i < s.count {
            guard s[i] == "<" else { i += 1; continue }
            let text = Array(s[textStart..<i])
            checkText(text)
            texts.append(String(String.UnicodeScalarView(text)))
            if peek("<!--", at: i) {
                guard let end = (i..<s.count).first(where: { peek("-->", at: $0) }) else { problems.append("open comment"); return }
                i = end + 3; textStart = i; continue
            }
            if peek("<!DOCTYPE html>", at: i) { i += 15; textStart = i; continue }
            guard let close = s[i...].firstIndex(of: ">") else { problems.append("unterminated tag"); return }
            let inner = Array(s[(i + 1)..<close])
            i = close + 1; textStart = i
            if inner.first == "/" {
                let name = String(String.UnicodeScalarView(inner.dropFirst())).trimmingSpaces
                if stack.last == name { stack.removeLast() } else {
                    problems.append("</\(name)> closes <\(stack.last ?? "nothing")>")
                }
                continue
            }
            let selfClosed = inner.last == "/"
            let body = selfClosed ? Array(inner.dropLast()) : inner
            var k = 0
            while k < body.count, body[k] != " " { k += 1 }
            let name = String(String.UnicodeScalarView(body[0..<k]))
            if name.isEmpty || !name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) }) {
                problems.append("bad tag name '\(name)'"); continue
            }
            var seen: Set<String> = []
            while k < body.count {
                while k < body.count, body[k] == " " { k += 1 }
                if k >= body.count { break }
                var e = k
                while e < body.count, body[e] != "=", body[e] != " " { e += 1 }
                let attr = String(String.UnicodeScalarView(body[k..<e]))
                if !seen.insert(attr).inserted { problems.append("duplicate attribute \(attr) on <\(name)>") }
                guard e + 1 < body.count, body[e] == "=", body[e + 1] == "\"" else {
                    problems.append("unquoted attribute \(attr) on <\(name)>"); break
                }
                guard let q = body[(e + 2)...].firstIndex(of: "\"") else { problems.append("open quote"); break }
                let value = Array(body[(e + 2)..<q])
                if value.contains("<") { problems.append("< in attribute \(attr)") }
                checkText(value)
                attributes.append((name, attr, String(String.UnicodeScalarView(value))))
                k = q + 1
            }
            if MarkupCheck.voidElements.contains(name) {
                if !selfClosed { problems.append("<\(name)> is not self-closed") }
                continue
            }
            if selfClosed {
                if !["rect", "line", "polyline", "path", "circle"].contains(name) { problems.append("<\(name)/> self-closed") }
                continue
            }
            if name == "script" || name == "style" {
                guard let end = (i..<s.count).first(where: { peek("</\(name)>", at: $0) }) else {
                    problems.append("unclosed <\(name)>"); return
                }
                if (i..<end).contains(where: { peek("</", at: $0) }) { problems.append("</ inside <\(name)>") }
                i = end + name.unicodeScalars.count + 3; textStart = i
                continue
            }
            stack.append(name)
        }
        checkText(Array(s[textStart...]))
        if !stack.isEmpty { problems.append("unclosed: \(stack)") }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
