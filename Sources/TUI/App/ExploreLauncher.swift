// `netdissect explore`: everything between the parsed command line and the run loop. Loads the
// theme, opens the run (or starts one), picks the picture encoder, runs the explorer, and after
// it ends waits for a run it stopped to write its last checkpoint.

import Dissection
import Foundation
import Render
import Workflows

/// A user-facing failure of `explore`: one line, `netdissect: <what>: <cause>; <hint>`.
public struct ExploreFailure: Error, CustomStringConvertible, Sendable {
    /// The line (without the `netdissect: ` prefix).
    public var message: String
    /// A failure with its line.
    public init(_ message: String) { self.message = message }
    /// The line.
    public var description: String { message }
}

/// What `explore` was asked to do.
public struct ExploreRequest: Sendable {
    /// An existing run directory to show, or nil to start one from `start`.
    public var run: String?
    /// The dissection to start and show, when `run` is nil.
    public var start: DissectRequest?
    /// Theme name or path.
    public var theme = "default"
    /// Pictures: nil detects.
    public var pictures: PictureFormat?
    /// Highest colour depth to use (nil: what the terminal has).
    public var colors: ColorSupport?
    /// Mouse on or off.
    public var mouse = true
    /// Whether to open on the about screen.
    public var about = true
    /// Seconds between reads of a live run.
    public var poll = 0.5
    /// Other run directories to compare units with (read once, at start).
    public var compare: [String] = []

    /// A request to show `run`, or to start `start`.
    public init(run: String?, start: DissectRequest?) { self.run = run; self.start = start }
}

/// Runs `explore`.
public enum ExploreLauncher {
    /// Shows the run until the user quits.
    /// - Throws: `ExploreFailure` only.
    public static func run(_ request: ExploreRequest) throws(ExploreFailure) {
        let loader = ThemeLoader.standard()
        let theme: Theme, warnings: [ThemeWarning]
        do { (theme, warnings) = try loader.load(request.theme) } catch {
            throw ExploreFailure(error.description)
        }
        var driver: DissectorDriver?
        var opened: RunReaderSource?
        var notices = warnings.map(\.description)
        let directory: String
        if let run = request.run {
            directory = run
        } else if let start = request.start, !start.force, let finished = finishedRun(at: start.out) {
            // Running the same command again shows what the first one found.
            directory = start.out
            opened = finished
            notices.append("\(start.out) already holds a finished dissection, shown here; --force dissects again")
        } else if let start = request.start {
            let dissector = try LiveDissection.prepare(start)
            driver = DissectorDriver(dissector)
            directory = dissector.directory
            opened = waitForRun(directory, driver: driver!)
            if let error = driver!.error { throw ExploreFailure(error) }
        } else {
            throw ExploreFailure("explore: give a run directory, or --dataset and --activations/--model with --out to start one")
        }
        let source: RunReaderSource
        do { source = try opened ?? RunReaderSource(path: directory) } catch {
            if case .damaged? = error as? RunError { throw ExploreFailure(describe(error)) }
            if case .newerSchema? = error as? RunError { throw ExploreFailure(describe(error)) }
            throw ExploreFailure(describe(error) + "; check the path, or start a run with netdissect dissect")
        }
        if driver == nil {
            // A run on disk that cannot be read (a damaged database) fails here with its one line,
            // rather than behind a screen that only says it cannot read the run.
            do { _ = try source.snapshot() } catch { throw ExploreFailure(describe(error)) }
        }
        notices += ((try? RunNotice.notices(source.reader)) ?? []).map(TerminalText.sanitize)
        let experiments = try ExperimentData.load(main: source.reader.directory, compare: request.compare)
        let screenOptions = ScreenOptions(pictures: request.pictures, maxDepth: request.colors, mouse: request.mouse)
        var configuration = ExplorerConfiguration(
            source: source, control: driver, theme: theme, screen: screenOptions,
            showAbout: request.about, pollInterval: request.poll, warnings: notices)
        configuration.experiments = experiments
        let exit: ExplorerExit
        do { exit = try Explorer.run(configuration) } catch {
            throw ExploreFailure(error.description)
        }
        if let driver {
            if exit == .stoppedRun { FileHandle.standardError.write(Data("netdissect: stopping the dissection after its next checkpoint…\n".utf8)) }
            if exit == .quit { driver.cancel() }
            driver.waitUntilStopped()
            if let error = driver.error { throw ExploreFailure(error) }
            if exit == .stoppedRun && !driver.finished {
                FileHandle.standardError.write(Data("netdissect: \(directory): stopped; what it wrote is kept and the same command continues it\n".utf8))
            }
        }
    }

    /// Waits until a run being started has written its database far enough to be read (or has
    /// failed), at most 30 s; nil when it could not be opened in that time.
    static func waitForRun(_ directory: String, driver: DissectorDriver) -> RunReaderSource? {
        for _ in 0..<600 {
            if driver.error != nil { return nil }
            if let source = try? RunReaderSource(path: directory), (try? source.reader.progress()) != nil { return source }
            usleep(50_000)
        }
        return nil
    }

    /// The run at `directory` when it exists and is finished.
    static func finishedRun(at directory: String) -> RunReaderSource? {
        guard let source = try? RunReaderSource(path: directory),
              let progress = try? source.reader.progress(), progress.isFinished else { return nil }
        return source
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? RunError { return e.description }
        return "\(error)"
    }
}
