// `explain RUN --dump DIR` (a hidden option): the masks explain searches, written dense for the
// NumPy baseline of benchmarks/explain (benchmarks/explain/beam_numpy.py reads them), so both
// sides search the same data.
//
//     DIR/labels.npy  uint8 (labels, ceil(P / 8))  row k: candidate label k's mask (ids ascending)
//     DIR/units.npy   uint8 (units, ceil(P / 8))   row k: the k-th chosen unit's mask M_u
//     DIR/dump.json   {"pixels": P, "labels": [{"id", "name"}], "units": [{"layer", "unit"}]}
//
// P is the probe's pixels (images in order, each row-major); bits are packed as
// np.packbits(bitorder="little") packs them (DenseProbeMasks). Units are 0-based, as run.sqlite
// stores them. One mask is held at a time; the files are P / 8 bytes per row.
import Dissection
import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

enum ExplanationDump {
    /// Creates `directory` (and its parents) when missing.
    static func prepare(_ directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RunError.store(path: directory, reason: "cannot create the dump directory (\((error as NSError).localizedDescription))")
        }
    }

    /// Writes the dump of `inputs` (its layers as in `plan`) with `candidates` to `directory`.
    static func write(_ inputs: ExplanationInputs, plan: [ExplainLayer], candidates: [Int32],
                      name: (Int32) -> String, to directory: String) throws {
        try prepare(directory)
        let dense = DenseProbeMasks(labels: inputs.labels)
        let bytes = (dense.pixels + 7) / 8
        try writeRows(candidates.count, bytes: bytes, to: directory + "/labels.npy") { dense.label(candidates[$0]) }
        let units = plan.indices.flatMap { l in plan[l].units.indices.map { (l, $0) } }
        try writeRows(units.count, bytes: bytes, to: directory + "/units.npy") { dense.unit(inputs.units[units[$0].0][units[$0].1]) }
        let meta: [String: Any] = [
            "pixels": dense.pixels,
            "labels": candidates.map { ["id": Int($0), "name": name($0)] as [String: Any] },
            "units": units.map { ["layer": plan[$0.0].name, "unit": plan[$0.0].units[$0.1]] as [String: Any] },
        ]
        let json = try JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys])
        do { try json.write(to: URL(fileURLWithPath: directory + "/dump.json"), options: .atomic) } catch {
            throw RunError.store(path: directory + "/dump.json", reason: "cannot write (\((error as NSError).localizedDescription))")
        }
    }

    /// A uint8 `(rows, bytes)` .npy written one row at a time; `row(r)` gives the row's words.
    private static func writeRows(_ rows: Int, bytes: Int, to path: String, row: (Int) -> [UInt64]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunError.store(path: path, reason: "cannot create (\(String(cString: strerror(errno))))") }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: NPYFloat64.header(shape: [rows, bytes], descr: "|u1"))
            for r in 0..<rows {
                let words = row(r)
                precondition(words.count * 8 >= bytes)
                // Little-endian words are the packed bytes in order.
                try words.map(\.littleEndian).withUnsafeBytes { try handle.write(contentsOf: Data($0.prefix(bytes))) }
            }
        } catch {
            throw RunError.store(path: path, reason: "cannot write (\((error as NSError).localizedDescription))")
        }
    }
}
