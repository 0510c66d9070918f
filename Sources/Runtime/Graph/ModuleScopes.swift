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

//
// Every path of a node is kept as its own string, so a node nested n modules deep costs O(n^2)
// characters. Real models nest a dozen deep; a hostile name of 5,000 scope parts would cost
// minutes. Paths beyond `maxDepth` levels or `maxPathLength` characters are not recorded (the
// node still answers to its value and node names, and to its outer module paths).

/// Module paths of nodes, from either exporter's records.
enum ModuleScopes {
    /// The metadata key the dynamo exporter writes.
    static let nameScopesKey = "pkg.torch.onnx.name_scopes"
    /// Most module paths recorded per node (torchvision's deepest models nest about 8).
    static let maxDepth = 64
    /// Longest module path recorded, in UTF-8 bytes.
    static let maxPathLength = 1024

    /// Module paths containing the node, outermost first (empty when none are recorded).
    static func scopes(nodeName: String, metadata: [Onnx_StringStringEntryProto]) -> [String] {
        if let entry = metadata.first(where: { $0.key == nameScopesKey }), let list = pythonStrings(entry.value) {
            return dynamo(list)
        }
        return legacy(nodeName)
    }

    /// Full module paths from a legacy node name, outermost first, at most `maxDepth`.
    ///
    /// Complexity: O(n) in the length of `name`.
    static func legacy(_ name: String) -> [String] {
        guard name.hasPrefix("/") else { return [] }
        var components = name.split(separator: "/", omittingEmptySubsequences: true)
        guard components.count >= 2 else { return [] }
        components.removeLast()  // the operator's own name
        var segments: [Substring] = []
        var paths: [String] = []
        for component in components {
            if let last = segments.last, component.hasPrefix(last + ".") {
                segments[segments.count - 1] = component
            } else {
                segments.append(component)
            }
            let path = segments.joined(separator: ".")
            guard path.utf8.count <= maxPathLength else { break }
            paths.append(path)
            if paths.count == maxDepth { break }
        }
        return paths
    }

    /// Full module paths from a dynamo `name_scopes` list: the root and the node's own name
    /// dropped, at most `maxDepth`, none longer than `maxPathLength`.
    static func dynamo(_ list: [String]) -> [String] {
        var paths: [String] = []
        for path in list.dropLast() where !path.isEmpty {
            guard path.utf8.count <= maxPathLength else { break }
            paths.append(path)
            if paths.count == maxDepth { break }
        }
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
