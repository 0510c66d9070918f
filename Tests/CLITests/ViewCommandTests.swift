// Looking at runs: `explore`, `unit`, `summary`, `report`, `export`.
import Testing
@testable import CLI

@Suite struct ViewCommandTests {
    @Test func exploreARunWithDefaults() throws {
        let command = try #require(parsed(["explore", "run"], as: ExploreCommand.self))
        #expect(command.runDirectory == "run" && !command.dissection.startsARun)
        #expect(command.theme == nil && command.graphics == "auto" && command.colors == "auto")
        #expect(!command.noMouse && !command.noAbout && command.poll == 0.5 && command.compare.isEmpty)
    }

    @Test func exploreOptionsAndStartingARun() throws {
        let command = try #require(parsed([
            "explore", "--dataset", "p", "--activations", "a.npy", "--out", "o", "--theme", "light", "--graphics", "blocks",
            "--colors", "256", "--no-mouse", "--no-about", "--poll", "2", "--compare", "r1", "--compare", "r2",
        ], as: ExploreCommand.self))
        #expect(command.runDirectory == nil && command.dissection.startsARun)
        #expect(command.dissection.request()?.activations == "a.npy")
        #expect(command.theme == "light" && command.graphics == "blocks" && command.colors == "256")
        #expect(command.noMouse && command.noAbout && command.poll == 2 && command.compare == ["r1", "r2"])
        #expect(refusal(["explore", "run", "--poll", "soon"])?.contains("--poll") == true)
    }

    @Test func unitArgumentsAndOptions() throws {
        let plain = try #require(parsed(["unit", "run", "features.13", "7"], as: UnitCommand.self))
        #expect(plain.runDirectory == "run" && plain.layer == "features.13" && plain.unit == 7)
        #expect(plain.top == nil && plain.graphics == "auto" && plain.dataset == nil && plain.savePicture == nil)
        let given = try #require(parsed(["unit", "run", "l", "1", "--top", "3", "--graphics", "none", "--dataset", "d",
                                         "--save-picture", "u.png"], as: UnitCommand.self))
        #expect(given.top == 3 && given.graphics == "none" && given.dataset == "d" && given.savePicture == "u.png")
        #expect(refusal(["unit", "run", "l"])?.contains("unit") == true)
        #expect(refusal(["unit", "run", "l", "first"])?.contains("first") == true)
    }

    @Test func graphicsValuesAreCheckedBeforeRunning() throws {
        for text in ["auto", "sixel", "blocks", "none"] { _ = try parseGraphics(text) }
        #expect(throws: (any Error).self) { try parseGraphics("kitty") }
    }

    @Test func summaryReportAndExport() throws {
        let summary = try #require(parsed(["summary", "run"], as: SummaryCommand.self))
        #expect(summary.runDirectory == "run")
        #expect(refusal(["summary"]) != nil)

        let report = try #require(parsed(["report", "run", "--out", "html"], as: ReportCommand.self))
        #expect(report.runDirectory == "run" && report.out == "html" && report.top == 5 && report.cell == 112 && report.dataset == nil)
        let sized = try #require(parsed(["report", "run", "--out", "html", "--top", "8", "--cell", "64", "--dataset", "d"],
                                        as: ReportCommand.self))
        #expect(sized.top == 8 && sized.cell == 64 && sized.dataset == "d")
        #expect(refusal(["report", "run"])?.contains("--out") == true)

        let export = try #require(parsed(["export", "run", "--iou-matrix", "m.npy", "--json", "-", "--layer", "conv5"],
                                         as: ExportCommand.self))
        #expect(export.runDirectory == "run" && export.iouMatrix == "m.npy" && export.json == "-" && export.layer == "conv5")
        // Nothing to export is refused while parsing, with export's usage, not the top-level one.
        #expect(refusal(["export", "run"])?.contains("nothing to export: give --iou-matrix F.npy and/or --json F.json") == true)
    }
}
