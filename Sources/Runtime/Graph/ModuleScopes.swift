// Where a node sits in the PyTorch module tree, as the two torch.onnx exporters record it.
//
// Legacy exporter (dynamo=False): the node name is a slash-separated scope,
//     /features/features.13/conv/conv.0/conv.0.0/Conv
// whose components are module names, each either a child of the previous path (`conv` inside
// `features.13`) or the previous component extended (`conv.0` after `conv`). The last component
// is the operator's own name.
//
// Dynamo exporter (dynamo=True): node metadata `pkg.torch.onnx.name_scopes` holds a Python list
//     ['', 'features', 'features.8', 'features.8.conv', 'features.8.conv.1', 'hardtanh_15']
// of full module paths from the root (''), ending with the FX node's own name.

/// Module paths of nodes, from either exporter's records.
enum ModuleScopes {
    /// The metadata key the dynamo exporter writes.
    static let nameScopesKey = "pkg.torch.onnx.name_scopes"

    /// Module paths containing the node, outermost first (empty when none are recorded).
    static func scopes(nodeName: String, metadata: [Onnx_StringStringEntryProto]) -> [String] {
        if let entry = metadata.first(where: { $0.key == nameScopesKey }), let list = pythonStrings(entry.value) {
            return dynamo(list)
        }
        return legacy(nodeName)
    }

    /// Full module paths from a legacy node name.
    static func legacy(_ name: String) -> [String] {
        guard name.hasPrefix("/") else { return [] }
        var components = name.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard components.count >= 2 else { return [] }
        components.removeLast()  // the operator's own name
        var segments: [String] = []
        var paths: [String] = []
        for component in components {
            if let last = segments.last, component.hasPrefix(last + ".") {
                segments[segments.count - 1] = component
            } else {
                segments.append(component)
            }
            paths.append(segments.joined(separator: "."))
        }
        return paths
    }

    /// Full module paths from a dynamo `name_scopes` list: the root and the node's own name dropped.
    static func dynamo(_ list: [String]) -> [String] {
        var paths = Array(list.dropLast())
        paths.removeAll { $0.isEmpty }
        return paths
    }

    /// Parses a Python list literal of string literals (`['a', "b"]`), or nil when it is not one.
    static func pythonStrings(_ text: String) -> [String]? {
        let chars = Array(text.trimmingCharacters(in: .whitespaces))
        guard chars.first == "[", chars.last == "]" else { return nil }
        var result: [String] = []
        var i = 1
        while i < chars.count - 1 {
            let c = chars[i]
            if c == " " || c == "," { i += 1; continue }
            guard c == "'" || c == "\"" else { return nil }
            var value = ""
            i += 1
            while i < chars.count - 1 && chars[i] != c {
                if chars[i] == "\\" && i + 1 < chars.count - 1 { i += 1 }
                value.append(chars[i])
                i += 1
            }
            guard i < chars.count - 1 else { return nil }
            result.append(value)
            i += 1
        }
        return result
    }
}

import Foundation
