// The TUI module: the explorer (`netdissect explore`).
//
// Application state and per-pane view models are plain values changed by messages; presenters
// are pure functions from (view model, theme, size) to styled lines; one screen type alone calls
// ncurses and writes image bytes. It uses Render, Dissection and Workflows.
