// The explorer's run loop: the only place where state, screen and background work meet.
//
// Each turn: present the state as a frame and draw it; tell the picture worker which pictures
// the frame wants; then wait for a key, a message from background work, or a one-second tick;
// apply everything that arrived through `update` and carry out the effects. The loop never
// waits on the engine or the disk: those run on other threads and answer with messages, so a
// key is handled as soon as it arrives.

import Foundation

/// How the explorer ended.
public enum ExplorerExit: Sendable, Equatable {
    /// The user quit; any run this process drives was left running or had finished.
    case quit
    /// The user quit and asked to stop the run this process drives.
    case stoppedRun
}

/// Everything the explorer needs besides the terminal.
public struct ExplorerConfiguration: Sendable {
    /// Where results come from.
    public var source: any RunSource
    /// The run this process drives, if any.
    public var control: (any RunDriver)?
    /// How pictures are encoded; nil uses Render's pictures for the terminal found at start.
    public var encoder: (any PictureEncoder)?
    /// Colours.
    public var theme: Theme
    /// Terminal options.
    public var screen: ScreenOptions
    /// Whether to open on the "about this run" screen.
    public var showAbout: Bool
    /// Seconds between reads of a live run.
    public var pollInterval: Double
    /// Top images read per unit.
    public var imagesPerUnit: Int
    /// Lines to show in the status bar at start (theme warnings, say).
    public var warnings: [String]
    /// Runs to compare with and the rotation settings, for the experiment views.
    public var experiments = ExperimentData()

    /// A configuration from its parts.
    public init(source: any RunSource, control: (any RunDriver)? = nil, encoder: (any PictureEncoder)? = nil, theme: Theme,
                screen: ScreenOptions = ScreenOptions(), showAbout: Bool = true, pollInterval: Double = 0.5,
                imagesPerUnit: Int = 10, warnings: [String] = []) {
        self.source = source; self.control = control; self.encoder = encoder; self.theme = theme
        self.screen = screen; self.showAbout = showAbout; self.pollInterval = pollInterval
        self.imagesPerUnit = imagesPerUnit; self.warnings = warnings
    }
}

/// Runs the explorer in the terminal until the user quits.
public enum Explorer {
    /// Takes over the terminal and runs until the user quits. Call from the main thread.
    public static func run(_ configuration: ExplorerConfiguration) throws(ScreenError) -> ExplorerExit {
        let screen = try Screen(options: configuration.screen, theme: configuration.theme)
        defer { screen.close() }
        let inbox = Inbox()
        let store = PictureStore()
        let watcher = RunWatcher(source: configuration.source, inbox: inbox, interval: configuration.pollInterval,
                                 followsDriver: configuration.control != nil)
        let encoder = configuration.encoder ?? TerminalPictureEncoder(capabilities: screen.capabilities)
        let worker = PictureWorker(source: configuration.source, encoder: encoder, store: store,
                                   inbox: inbox, limit: configuration.imagesPerUnit)
        var eventTask: Task<Void, Never>?
        if let control = configuration.control {
            eventTask = Task.detached {
                for await _ in control.updates { watcher.poke() }
                watcher.driverEnded()
            }
        }
        watcher.start()
        // SIGTERM and SIGHUP (a closed SSH session) end the explorer through the loop, so the
        // terminal is restored and a run started here stops at a checkpoint.
        var signalSources: [DispatchSourceSignal] = []
        for sig in [SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { inbox.post(.terminate) }
            source.resume()
            signalSources.append(source)
        }
        defer {
            watcher.stop()
            eventTask?.cancel()
            for source in signalSources { source.cancel() }
        }

        var state = AppState(terminal: screen.info, drivesRun: configuration.control != nil,
                             showAbout: configuration.showAbout)
        state.now = ProcessInfo.processInfo.systemUptime
        state.experiments = configuration.experiments
        if let first = configuration.warnings.first {
            let more = configuration.warnings.count > 1 ? " (and \(configuration.warnings.count - 1) more)" : ""
            state.note = StatusNote(first + more, .warning, until: state.now + 8)
        }
        var exit = ExplorerExit.quit
        var lastTick = state.now
        while true {
            let frame = FramePresenter.present(state, theme: configuration.theme)
            screen.draw(frame, store: store)
            worker.want(frame.wanted)
            screen.wait(wake: inbox.wakeDescriptor, timeout: 1000)
            var messages = screen.readMessages() + inbox.drain()
            let now = ProcessInfo.processInfo.systemUptime
            if now - lastTick >= 1 { messages.append(.tick(now)); lastTick = now }
            var quit = false
            for message in messages {
                for effect in state.update(message) {
                    switch effect {
                    case .loadImages(let key): worker.load(key)
                    case .pauseRun: configuration.control?.pause()
                    case .resumeRun: configuration.control?.resume()
                    case .cancelRunAndQuit:
                        configuration.control?.cancel()
                        exit = .stoppedRun
                        quit = true
                    case .quit: quit = true
                    case .redrawAll: screen.invalidate()
                    }
                }
                if quit { break }
            }
            if quit { break }
        }
        return exit
    }
}
