// Finding a theme by name: the user's themes first, then the ones shipped with netdissect.
//
// `--theme NAME` looks for `NAME.theme` in `$XDG_CONFIG_HOME/netdissect/themes` (or
// `~/.config/netdissect/themes`), then in `$NETDISSECT_THEMES`, then in the `themes/` folder
// shipped beside the binary (`<prefix>/share/netdissect/themes`, or the source checkout's
// `themes/` when run from `.build`). A NAME containing `/` or ending in `.theme` is a path.

import Foundation
import Render

/// Why a theme could not be loaded (a user-facing failure; warnings inside a file are not).
public enum ThemeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No file for the name in any of the searched folders.
    case notFound(name: String, searched: [String], available: [String])
    /// The file exists but cannot be read.
    case unreadable(path: String, cause: String)

    /// One line: file, cause, hint.
    public var description: String {
        switch self {
        case .notFound(let name, let searched, let available):
            let list = available.isEmpty ? "none found" : available.joined(separator: ", ")
            return "\(name): no such theme in \(searched.joined(separator: ", ")); available: \(list)"
        case .unreadable(let path, let cause):
            return "\(path): cannot read the theme (\(cause)); check the file's permissions"
        }
    }
}

/// Loads themes by name or path.
public struct ThemeLoader: Sendable {
    /// Folders searched for `NAME.theme`, first match wins.
    public var searchPaths: [String]

    /// A loader over explicit folders (tests use this).
    public init(searchPaths: [String]) { self.searchPaths = searchPaths }

    /// The standard search path for this process's environment and executable.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment,
                                executable: String = CommandLine.arguments.first ?? "") -> ThemeLoader {
        var paths: [String] = []
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            paths.append(xdg + "/netdissect/themes")
        } else if let home = environment["HOME"], !home.isEmpty {
            paths.append(home + "/.config/netdissect/themes")
        }
        if let extra = environment["NETDISSECT_THEMES"], !extra.isEmpty { paths.append(extra) }
        let exe = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        paths.append(exe.appendingPathComponent("../share/netdissect/themes").standardized.path)
        // A source checkout: .build/<config>/netdissect or .build/<triple>/<config>/netdissect.
        var dir = exe
        for _ in 0..<4 {
            dir = dir.deletingLastPathComponent()
            let candidate = dir.appendingPathComponent("themes")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("dark.theme").path) {
                paths.append(candidate.standardized.path)
                break
            }
        }
        return ThemeLoader(searchPaths: paths)
    }

    /// The theme called `name` (or at the path `name`), with the warnings its file produced.
    ///
    /// `default` (or `dark` when no `dark.theme` is found) is the built-in theme.
    public func load(_ name: String) throws(ThemeError) -> (theme: Theme, warnings: [ThemeWarning]) {
        let path: String
        if name.contains("/") || name.hasSuffix(".theme") {
            path = name
        } else if let found = searchPaths.map({ $0 + "/" + name + ".theme" })
                    .first(where: { FileManager.default.isReadableFile(atPath: $0) }) {
            path = found
        } else if name == "default" || name == "dark" {
            return (Theme.default, [])
        } else {
            throw .notFound(name: name, searched: searchPaths, available: available())
        }
        // Never blocks: a FIFO or a device given as a theme is refused (`SmallFile`).
        guard let bytes = SmallFile.contents(of: path, maxBytes: 1 << 20), let text = String(bytes: bytes, encoding: .utf8) else {
            let cause = !FileManager.default.fileExists(atPath: path) ? "no such file"
                : "not a regular file of UTF-8 text under 1 MB, or not readable"
            throw .unreadable(path: path, cause: cause)
        }
        let (entries, warnings) = ThemeFile.parse(text, file: path)
        let themeName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return (Theme(name: themeName, overrides: entries), warnings)
    }

    /// The names of every theme found on the search path, sorted, without duplicates.
    public func available() -> [String] {
        var names = Set<String>()
        for dir in searchPaths {
            guard let files = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for file in files where file.hasSuffix(".theme") { names.insert(String(file.dropLast(6))) }
        }
        return names.sorted()
    }
}
