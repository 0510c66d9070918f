// `probe import`, `probe resize` and `probe subset`: options, defaults and refusals, parsed
// without running the work.
import Testing
@testable import CLI
@testable import ProbeTools

@Suite struct ProbeCommandTests {
    @Test func importOptionsAndDefaults() throws {
        let plain = try #require(parsed(["probe", "import", "--format", "ade20k", "/data/ADE", "--out", "/p"], as: ProbeCommand.Import.self))
        #expect(plain.format == .ade20k && plain.source == "/data/ADE" && plain.out == "/p")
        #expect(plain.category == "object" && plain.map == nil && plain.split == nil && plain.limit == nil && plain.size == nil)
        let full = try #require(parsed(["probe", "import", "--format", "coco-panoptic", "/c", "--out", "/p", "--category", "thing",
                                        "--map", "m.csv", "--split", "val", "--limit", "10", "--size", "224"], as: ProbeCommand.Import.self))
        #expect(full.format == .cocoPanoptic && full.category == "thing" && full.map == "m.csv" && full.split == "val")
        #expect(full.limit == 10 && full.size == 224)
        for format in ImportFormat.allCases {
            #expect(parsed(["probe", "import", "--format", format.rawValue, "/s", "--out", "/p"], as: ProbeCommand.Import.self)?.format == format)
        }
    }

    @Test func importRefusals() {
        #expect(refusal(["probe", "import", "--format", "kitti", "/s", "--out", "/p"])?.contains("kitti") == true)
        #expect(refusal(["probe", "import", "--format", "voc", "/s"])?.contains("--out") == true)
        #expect(refusal(["probe", "import", "--format", "voc", "/s", "--out", "/p", "--limit", "0"])?.contains("--limit") == true)
        #expect(refusal(["probe", "import", "--format", "voc", "/s", "--out", "/p", "--size", "5"])?.contains("--size") == true)
    }

    @Test func resizeAndSubset() throws {
        let resize = try #require(parsed(["probe", "resize", "/b", "--size", "60", "--out", "/b60"], as: ProbeCommand.Resize.self))
        #expect(resize.directory == "/b" && resize.size == 60 && resize.out == "/b60")
        #expect(refusal(["probe", "resize", "/b", "--out", "/b60"])?.contains("--size") == true)
        #expect(refusal(["probe", "resize", "/b", "--size", "8", "--out", "/b60"])?.contains("--size") == true)
        let subset = try #require(parsed(["probe", "subset", "/b", "--limit", "100", "--categories", "object,part", "--out", "/s"], as: ProbeCommand.Subset.self))
        #expect(subset.limit == 100 && subset.categories == "object,part" && subset.out == "/s")
        #expect(refusal(["probe", "subset", "/b", "--out", "/s"])?.contains("--limit") == true)
    }

    @Test func theProgressBarShowsRateAndTimeLeft() {
        #expect(ProbeProgressBar.text(done: 0, total: 400, verb: "imported", rate: nil)
                == "[                              ] 0/400 images imported")
        #expect(ProbeProgressBar.text(done: 120, total: 400, verb: "imported", rate: 35.2)
                == "[#########                     ] 120/400 images imported, 35 images/s, 0:08 left")
        #expect(ProbeProgressBar.text(done: 10, total: 4000, verb: "written", rate: 2.5)
                == "[                              ] 10/4000 images written, 2.5 images/s, 26:36 left")
        #expect(ProbeProgressBar.text(done: 400, total: 400, verb: "imported", rate: 35.2)
                == "[##############################] 400/400 images imported, 35 images/s")
        #expect(ProbeProgressBar.duration(0.2) == "0:01" && ProbeProgressBar.duration(59) == "0:59" && ProbeProgressBar.duration(60) == "1:00")
        #expect(ProbeProgressBar.duration(3 * 3600 + 5 * 60) == "3:05:00")
        // The rate of this run: nothing yet, or too soon, tells nothing.
        #expect(ProbeProgressBar.rate(done: 0, seconds: 5) == nil && ProbeProgressBar.rate(done: 3, seconds: 0.05) == nil)
        #expect(ProbeProgressBar.rate(done: 30, seconds: 2) == 15)
    }
}
