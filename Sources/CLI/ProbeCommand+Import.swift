// `netdissect probe import`, `probe resize` and `probe subset`: argument parsing; the work is
// ProbeTools' (`ProbeImport`, `ProbeRewrite`).
import ArgumentParser
import Foundation
import ProbeTools

extension ImportFormat: ExpressibleByArgument {}

extension ProbeCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a labelled dataset (ADE20K, Pascal VOC, Cityscapes, COCO-Stuff, COCO panoptic, a mask folder) as a Broden-layout probe.",
            discussion: "A stopped import continues when run again with the same options. Layouts: docs/probe-import.md.")

        @Option(name: .long, help: "Source format: \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
        var format: ImportFormat

        @Argument(help: "The dataset's top folder (ADEChallengeData2016, VOCdevkit/VOC2012, the Cityscapes or COCO folder, a mask folder).")
        var source: String

        @Option(name: .long, help: "Directory to write the probe into (new or empty, or an unfinished import of the same options).")
        var out: String

        @Option(name: .long, help: "Category of the labels (COCO panoptic: of the things; stuff goes to 'stuff').")
        var category: String = "object"

        @Option(name: .long, help: "CSV of 'name,category' rows putting labels in other categories (grass,material).")
        var map: String?

        @Option(name: .long, help: "Import only this split (train, val; Cityscapes: test; VOC: any ImageSets list).")
        var split: String?

        @Option(name: .long, help: "Import only the first N images.")
        var limit: Int?

        @Option(name: .long, help: "Resize images to S x S (bilinear) and segmentations to S/2 (nearest), as Broden's variants.")
        var size: Int?

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
            if let size, !(16...4096).contains(size) { throw ValidationError("--size must be between 16 and 4096 (Broden uses 224, 227 or 384)") }
        }

        func run() throws {
            var options = ImportOptions(format: format)
            options.category = category
            options.map = map
            options.split = split
            options.limit = limit
            options.size = size
            let bar = ProbeProgressBar(verb: "imported")
            let summary: ImportSummary
            do {
                summary = try ProbeImport.run(source: source, out: out, options: options,
                                              report: { bar.line(problemLine($0)) },
                                              progress: { bar.update($0, $1) })
            } catch {
                bar.finish()
                throw commandFailure(error)
            }
            bar.finish()
            for note in summary.notes { printDiagnostic("note: " + note) }
            if summary.resumed > 0 { print("continued an import stopped after \(summary.resumed) images") }
            print("imported \(summary.imported) of \(summary.images) images into \(out): \(summary.labels) labels in "
                  + "\(summary.categories.joined(separator: ", ")); \(summary.skipped) left out, \(summary.problems) problem\(summary.problems == 1 ? "" : "s")")
            print("check it with: netdissect probe check \(out)")
        }
    }

    struct Resize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a probe resized: images S x S (bilinear), segmentations in proportion (nearest), coverages recomputed.",
            discussion: "A stopped resize continues when run again with the same options.")

        @Argument(help: "The probe directory (the one holding index.csv).")
        var directory: String

        @Option(name: .long, help: "Image side in pixels (Broden's 224 becomes S; its 112 segmentations S/2).")
        var size: Int

        @Option(name: .long, help: "Directory to write the resized probe into (new or empty, or an unfinished resize of the same options).")
        var out: String

        func validate() throws {
            guard (16...4096).contains(size) else { throw ValidationError("--size must be between 16 and 4096") }
        }

        func run() throws {
            let bar = ProbeProgressBar(verb: "written")
            let summary: RewriteSummary
            do {
                summary = try ProbeRewrite.resize(directory, size: size, out: out, report: { bar.line(problemLine($0)) },
                                                  progress: { bar.update($0, $1) })
            } catch {
                bar.finish()
                throw commandFailure(error)
            }
            bar.finish()
            if summary.resumed > 0 { print("continued a resize stopped after \(summary.resumed) images") }
            print("wrote \(summary.written) images of \(size)x\(size) to \(out) (\(summary.labels) labels); \(summary.leftOut) left out")
        }
    }

    struct Subset: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write part of a probe: its first N images and/or some of its categories, tables recounted.",
            discussion: "A stopped subset continues when run again with the same options.")

        @Argument(help: "The probe directory (the one holding index.csv).")
        var directory: String

        @Option(name: .long, help: "Keep the first N images.")
        var limit: Int?

        @Option(name: .long, help: "Comma-separated categories to keep (images without any of them are dropped).")
        var categories: String?

        @Option(name: .long, help: "Directory to write the subset into (new or empty, or an unfinished subset of the same options).")
        var out: String

        func validate() throws {
            guard limit != nil || categories != nil else { throw ValidationError("give --limit N, --categories a,b, or both") }
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() throws {
            let names = categories.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            let bar = ProbeProgressBar(verb: "written")
            let summary: RewriteSummary
            do {
                summary = try ProbeRewrite.subset(directory, limit: limit, categories: names, out: out,
                                                  report: { bar.line(problemLine($0)) }, progress: { bar.update($0, $1) })
            } catch {
                bar.finish()
                throw commandFailure(error)
            }
            bar.finish()
            if summary.resumed > 0 { print("continued a subset stopped after \(summary.resumed) images") }
            print("wrote \(summary.written) images to \(out) (\(summary.labels) labels in \(summary.categories.joined(separator: ", "))); \(summary.leftOut) left out")
        }
    }
}

/// A problem's line: those found before a stop, reported again at the end, say so.
private func problemLine(_ problem: ImportProblem) -> String {
    (problem.earlier ? "problem (found before the stop): " : "problem: ") + problem.description
}
