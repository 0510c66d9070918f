// Everything that can change the state: input from the terminal, and results of work done off
// the UI thread. And everything the state asks the outside world to do.

/// An input to `AppState.update(_:)`.
public enum Message: Sendable {
    /// A key was pressed.
    case key(Key)
    /// The mouse was clicked or scrolled.
    case mouse(MouseEvent)
    /// The terminal changed size or cell size.
    case resized(TerminalInfo)
    /// A fresh read of the run.
    case snapshot(RunSnapshot)
    /// The run could not be read (one line).
    case sourceFailed(String)
    /// A unit's top images were read (captions), or could not be (one line).
    case imagesLoaded(UnitKey, Result<[ImageCaption], ImageLoadError>)
    /// A picture was encoded for a placement and can be written.
    case pictureReady(PictureKey)
    /// The clock, once a second or so (seconds since an arbitrary start).
    case tick(Double)
    /// The process was asked to end (SIGTERM, SIGHUP): quit without asking, stopping a run
    /// started here after its next checkpoint.
    case terminate
}

/// Why a unit's images could not be shown (one line for the detail pane).
public struct ImageLoadError: Error, Hashable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Something the update asks the runtime to do.
public enum Effect: Hashable, Sendable {
    /// Read a unit's top images (off the UI thread), answering with `.imagesLoaded`.
    case loadImages(UnitKey)
    /// Pause the run this process drives.
    case pauseRun
    case resumeRun
    /// Stop it (keeping what it wrote), then quit.
    case cancelRunAndQuit
    /// Leave the explorer.
    case quit
    /// Forget every picture on screen and redraw everything (after a resize or an overlay).
    case redrawAll
}
