// A complete set of colours for the explorer: the defaults in code, overridden by a theme file.

/// The explorer's colours: every `ThemeKey` has a value.
///
/// A theme is built from the defaults (`Theme.default`) and the entries of one theme file, so a
/// partial file changes only what it names.
public struct Theme: Sendable, Equatable {
    /// The theme's name (the file name without `.theme`, or `default`).
    public var name: String
    private var colors: [ThemeKey: ThemeColor]

    /// The built-in dark theme.
    public static let `default` = Theme(name: "default", overrides: [:])

    /// The defaults with `overrides` applied.
    public init(name: String, overrides: [ThemeKey: ThemeColor]) {
        self.name = name
        var colors: [ThemeKey: ThemeColor] = [:]
        for key in ThemeKey.allCases { colors[key] = overrides[key] ?? key.defaultColor }
        self.colors = colors
    }

    /// The value of `key`.
    public subscript(key: ThemeKey) -> ThemeColor {
        get { colors[key] ?? key.defaultColor }
        set { colors[key] = newValue }
    }
}
