// 1x1 convolutions (Convolution+Pointwise.swift): general shapes, the register tiles' edges, and
// how a call is cut into column blocks and panel ranges (packed, shared, or read in place).
import Testing
import TestSupport
@testable import Runtime
#if NETDISSECT_ISA_AVX512
@testable import KernelsWithAVX512
#elseif NETDISSECT_ISA_AVX2
@testable import KernelsWithAVX2
#else
@testable import KernelsBaseline
#endif
import KernelSupport

extension ConvolutionKernelTests {
    @Test func pointwise() {
        withEvery("case", in: [
            Case(shape: Self.conv(1, 1, 1, 1, k: (1, 1))),
            Case(shape: Self.conv(3, 5, 1, 1, k: (1, 1)), batch: 2),
            Case(shape: Self.conv(13, 11, 7, 9, k: (1, 1)), batch: 3),
            Case(shape: Self.conv(16, 24, 20, 20, k: (1, 1)), activation: .clip(min: 0, max: 6)),
            Case(shape: Self.conv(12, 18, 9, 9, k: (1, 1), groups: 3), batch: 2),
            Case(shape: Self.conv(16, 40, 30, 30, k: (1, 1)), residual: true),
        ]) { check($0) }
    }

    /// The register tiles' edges: maps whose pixel count is not a multiple of 16 (an 8-wide tile,
    /// then a zero-padded remainder), channel counts not a multiple of 6 (a partial panel), per
    /// group too, residuals on partial tiles, and maps large enough to be cut into column blocks.
    @Test func pointwiseTileEdges() {
        var cases: [Case] = []
        // Last tiles of 1 to 4 valid columns run on the narrow kernel (1x1, 1x2, 1x3, 2x9, 2x10,
        // 1x17, 7x7), of 5 to 15 through scratch; with AVX-512, 1 to 4 columns after a full tile
        // join it (tiles of 17 to 20: 1x17, 2x9, 1x19, 2x10, 7x7, 14x14).
        for (h, w) in [(1, 1), (1, 2), (1, 3), (1, 7), (2, 4), (3, 3), (3, 5), (4, 4), (2, 9), (2, 10),
                       (1, 17), (1, 19), (7, 7), (5, 9), (14, 14)] {
            // Up to 18 output channels x is read in place (`PointwiseBlock.readsInPlace`); 40 with
            // a residual (more outputs than inputs) packed, 48 without one in place.
            for oc in [1, 5, 6, 7, 13, 40, 48] {
                cases.append(Case(shape: Self.conv(9, oc, h, w, k: (1, 1)), activation: .clip(min: 0, max: 6),
                                  residual: oc % 2 == 1 || oc == 40))
            }
        }
        // Grouped, partial panels in every group.
        cases.append(Case(shape: Self.conv(12, 21, 7, 7, k: (1, 1), groups: 3), batch: 2, residual: true))
        // K * HW beyond one block: 16-wide column blocks whose last one is partial.
        cases.append(Case(shape: Self.conv(300, 14, 20, 20, k: (1, 1)), activation: .relu, residual: true))
        cases.append(Case(shape: Self.conv(40, 30, 41, 43, k: (1, 1)), batch: 2, bias: false))
        // Column blocks of 16 whose last 1 to 4 columns join the block before (AVX-512).
        cases.append(Case(shape: Self.conv(1400, 13, 7, 7, k: (1, 1)), activation: .relu, residual: true))
        cases.append(Case(shape: Self.conv(2000, 9, 6, 6, k: (1, 1)), batch: 2))
        // One small map split into panel ranges: every worker reads x in place (16 + 16 + 17
        // columns with AVX-512), and with 25 columns a last tile of 9 packed alone.
        cases.append(Case(shape: Self.conv(700, 27, 7, 7, k: (1, 1)), activation: .relu, residual: true))
        cases.append(Case(shape: Self.conv(500, 45, 5, 5, k: (1, 1)), activation: .clip(min: 0, max: 6), residual: true))
        // Deep blocks shared by panel ranges (x beyond `pointwiseWholeMap`): packed once; with
        // fewer blocks than workers (two of 16 columns, three threads), split by rows of K.
        cases.append(Case(shape: Self.conv(1400, 27, 7, 7, k: (1, 1)), activation: .relu, residual: true))
        cases.append(Case(shape: Self.conv(2100, 27, 4, 8, k: (1, 1)), residual: true))
        withEvery("case", in: cases) { check($0) }
    }

    /// Maps of 28x28 and larger without a residual run tile by tile, K in chunks of at most 256
    /// (the later ones adding to y's sums, the last applying bias, activation): K of 1 to 600 in
    /// one to three chunks, last tiles of every kind (17 columns joined with AVX-512 or narrow,
    /// 8 wide, 13 through scratch), partial panels, groups, a batch, no bias.
    @Test func pointwiseByTiles() {
        var cases: [Case] = []
        for (k, oc) in [(1, 7), (24, 13), (256, 6), (300, 13), (513, 5), (600, 12)] {
            cases.append(Case(shape: Self.conv(k, oc, 23, 23, k: (1, 1)), activation: .relu))
        }
        cases.append(Case(shape: Self.conv(290, 9, 26, 20, k: (1, 1)), activation: .clip(min: 0, max: 6)))
        cases.append(Case(shape: Self.conv(270, 14, 21, 25, k: (1, 1)), batch: 2, bias: false))
        cases.append(Case(shape: Self.conv(540, 22, 28, 28, k: (1, 1), groups: 2), batch: 2))
        for c in cases {
            let conv = Convolution(shape: c.shape, weights: [Float](repeating: 0, count: c.shape.weightCount), bias: nil)
            for threads in [1, 2] {
                let plan = conv.pointwisePlan(batch: c.batch, parallelism: Parallelism(threads: threads))
                #expect(conv.pointwiseRunsByTiles(plan, residual: false), "\(c) threads \(threads)")
            }
        }
        withEvery("case", in: cases) { check($0, threads: [1, 2]) }
    }

    @Test func pointwiseByTilesWhereItPays() {
        #expect(Convolution.pointwiseByTilesSuits(hw: 56 * 56, residual: false))
        #expect(Convolution.pointwiseByTilesSuits(hw: 28 * 28, residual: false))
        #expect(!Convolution.pointwiseByTilesSuits(hw: 28 * 28, residual: true), "a residual's rows far apart")
        #expect(!Convolution.pointwiseByTilesSuits(hw: 14 * 14, residual: false), "14x14 was level")
        let ks = [1, 64, 256, 257, 384, 512, 513, 1024]
        #expect(ks.map { PointwiseBlock.chunk($0, width: 16) } == [1, 64, 256, 129, 192, 256, 171, 256])
        #expect(ks.map { PointwiseBlock.chunk($0, width: 20) } == [1, 64, 256, 129, 192, 256, 171, 256])
        #expect(ks.map { PointwiseBlock.chunk($0, width: 32) } == [1, 64, 128, 86, 128, 128, 103, 128], "a pair: 128 rows")
        // Panel ranges of one map share its packing or read it in place: not by tiles.
        let late = Convolution(shape: Self.conv(1400, 320, 24, 24, k: (1, 1)),
                               weights: [Float](repeating: 0, count: 1400 * 320), bias: nil)
        let split = late.pointwisePlan(batch: 1, parallelism: Parallelism(threads: 16))
        #expect(split.sharesPacking || split.readsInPlace)
        #expect(!late.pointwiseRunsByTiles(split, residual: false))
    }

    /// Which pointwise layers read x in place rather than packing it, whatever the plan: up to
    /// 256 output channels whose weights fit in L2, not with a residual and more outputs than
    /// inputs (ResNet-50's expansions), and not a late layer's megabytes of weights.
    @Test func pointwiseLayersReadInPlaceWhereItPays() {
        #expect(Convolution.pointwiseInPlaceSuits(rows: 64, k: 256, residual: false))
        #expect(Convolution.pointwiseInPlaceSuits(rows: 256, k: 1024, residual: true), "1024 -> 256: 1 MB of weights")
        #expect(Convolution.pointwiseInPlaceSuits(rows: 192, k: 768, residual: false))
        #expect(Convolution.pointwiseInPlaceSuits(rows: 256, k: 64, residual: false), "an expansion without a residual")
        #expect(!Convolution.pointwiseInPlaceSuits(rows: 256, k: 64, residual: true), "an expansion with a residual")
        #expect(!Convolution.pointwiseInPlaceSuits(rows: 1024, k: 256, residual: false), "a tile would write 1024 rows")
        #expect(!Convolution.pointwiseInPlaceSuits(rows: 256, k: 2048, residual: false), "2 MB of weights per tile")
        // The rule is the pointwise layer's alone: a block nobody tells (a product inside another
        // kernel) keeps packing.
        let x = [Float](repeating: 1, count: 64 * 256), w = [Float](repeating: 0, count: 64 * 6 * 12)
        var y = [Float](repeating: 0, count: 64 * 256)
        x.withUnsafeBufferPointer { xb in
            w.withUnsafeBufferPointer { wb in
                y.withUnsafeMutableBufferPointer { yb in
                    let block = PointwiseBlock(weights: wb.baseAddress!, panelFloats: 6 * 64, bias: wb.baseAddress!,
                                               x: xb.baseAddress!, ldx: 256, y: yb.baseAddress!, residual: nil,
                                               packed: nil, scratch: yb.baseAddress!, k: 64, hw: 256, columns: 256, rows: 64)
                    #expect(!block.readsInPlace)
                    var layer = block
                    layer.callerReadsInPlace = true
                    #expect(layer.readsInPlace)
                }
            }
        }
    }

    /// A block of one tile whose rows are its packed width apart (Winograd's V_xi of 16 tiles)
    /// is read as its own packing instead of being copied into one, with the same sums, bit for
    /// bit, as the same x packed from rows further apart.
    @Test func oneTileBlockIsItsOwnPacking() {
        func block(columns: Int, ldx: Int, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                   y: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, k: Int = 1, rows: Int = 48) -> PointwiseBlock {
            PointwiseBlock(weights: w, panelFloats: PointwiseTile.rows * k, bias: w, x: x, ldx: ldx, y: y, residual: nil,
                           packed: nil, scratch: scratch, k: k, hw: columns, columns: columns, rows: rows)
        }
        let dummy = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        defer { dummy.deallocate() }
        func packed(_ columns: Int, _ ldx: Int) -> Bool {
            block(columns: columns, ldx: ldx, x: dummy, w: dummy, y: dummy, scratch: dummy).xIsPacked
        }
        #expect(packed(16, 16) && packed(4, 4) && packed(8, 8) && packed(1, 1))
        #expect(!packed(16, 49), "rows further apart than a tile")
        #expect(!packed(5, 5), "5 columns pack 8 wide")
        #expect(!packed(32, 32), "two tiles")
        #expect(packed(17, 17) == (PointwiseTiles.joined > 0), "17 columns are one tile with AVX-512 only")

        // rows 48 > 36: the block packs unless x is its own packing.
        let k = 40, rows = 48, columns = 16, wide = 21
        var rng = SeededGenerator(seed: 7)
        let xs = rng.normals(k * columns)
        var spread = [Float](repeating: .nan, count: k * wide)
        for r in 0..<k { for c in 0..<columns { spread[r * wide + c] = xs[r * columns + c] } }
        let w = rng.normals(rows * k + PointwiseTile.overread)
        func sums(_ x: [Float], ldx: Int) -> [Float] {
            var y = [Float](repeating: .nan, count: rows * columns)
            // A packed block, then a partial tile's residual and product (`PointwiseBlock.visit`).
            var scratch = [Float](repeating: .nan, count: PointwiseTiles(columns: columns).packedColumns * k
                                                             + 2 * PointwiseTile.rows * PointwiseTile.columns)
            x.withUnsafeBufferPointer { xb in
                w.withUnsafeBufferPointer { wb in
                    y.withUnsafeMutableBufferPointer { yb in
                        scratch.withUnsafeMutableBufferPointer { sb in
                            let b = block(columns: columns, ldx: ldx, x: xb.baseAddress!, w: wb.baseAddress!,
                                          y: yb.baseAddress!, scratch: sb.baseAddress!, k: k, rows: rows)
                            #expect(!b.readsInPlace && b.xIsPacked == (ldx == columns))
                            b.visit(Identity())
                        }
                    }
                }
            }
            // The front of scratch is where a packing goes: untouched when x is its own.
            #expect(scratch.prefix(k * columns).allSatisfy(\.isNaN) == (ldx == columns))
            return y
        }
        let own = sums(xs, ldx: columns), copied = sums(spread, ldx: wide)
        #expect(own.allSatisfy { $0.isFinite })
        #expect(own == copied)
    }

    @Test func pointwisePlanBlocksAndSplits() {
        func plan(_ g: ConvShape, batch: Int, threads: Int) -> Convolution.PointwisePlan {
            Convolution(shape: g, weights: [Float](repeating: 0, count: g.weightCount), bias: nil)
                .pointwisePlan(batch: batch, parallelism: Parallelism(threads: threads))
        }
        // A late-layer map is one block on one thread; several workers split its panels.
        let late = Self.conv(960, 320, 7, 7, k: (1, 1))
        let serial = plan(late, batch: 1, threads: 1)
        #expect(serial.columnBlocks == 1 && serial.panelBlocks == 1 && serial.columns == 49 && !serial.sharesPacking)
        let split = plan(late, batch: 1, threads: 2)
        #expect(split.columnBlocks * split.panelBlocks >= 8 && split.panelsPerItem * split.panelBlocks >= split.panels)
        #expect(split.readsInPlace && !split.sharesPacking && split.sharedFloats == 0,
                "panel ranges of one small block read it in place")
        #expect(!serial.readsInPlace, "one worker packs it")
        let wide = plan(Self.conv(1400, 320, 7, 7, k: (1, 1)), batch: 1, threads: 2)
        #expect(wide.sharesPacking && !wide.readsInPlace && wide.sharedFloats == wide.columnBlocks * wide.packedFloats,
                "panel ranges of a block beyond pointwiseWholeMap share its packing")
        // A deep 7x7 map in blocks of 16 columns (without AVX-512), or of a pair of tiles (32):
        // with AVX-512 the last 17 columns are a block of one tile (16 + 1 joined).
        let deep = plan(Self.conv(2048, 512, 7, 7, k: (1, 1)), batch: 1, threads: 1)
        if PointwiseTile.pairs {
            #expect(deep.columns == 32 && deep.columnBlocks == 2 && deep.end(of: 0, hw: 49) == 32)
            #expect(deep.packedFloats == PointwiseTiles(columns: 32).packedColumns * 2048)
        } else {
            #expect(deep.columns == 16 && deep.columnBlocks == (PointwiseTiles.joined > 0 ? 3 : 4))
            #expect(deep.end(of: 0, hw: 49) == 16)
            #expect(deep.packedFloats == PointwiseTiles(columns: PointwiseTiles.joined > 0 ? 17 : 16).packedColumns * 2048)
        }
        #expect(deep.end(of: deep.columnBlocks - 1, hw: 49) == 49)
        // 1 to 4 columns after a block join it: 16 + 1 with AVX-512 (3 blocks of 32 + 1 for
        // 2048 x 97 columns).
        let tail = plan(Self.conv(2048, 64, 1, 97, k: (1, 1)), batch: 1, threads: 1)
        #expect(tail.columnBlocks == (PointwiseTile.pairs ? 3 : PointwiseTiles.joined > 0 ? 6 : 7))
        #expect(tail.end(of: tail.columnBlocks - 1, hw: 97) == 97)
        // An early map is cut into blocks whose x stays within the budget.
        let early = plan(Self.conv(16, 96, 112, 112, k: (1, 1)), batch: 1, threads: 1)
        #expect(early.columns * 16 <= Convolution.pointwiseBlockBudget && early.columns % 16 == 0)
        #expect(early.columnBlocks == (112 * 112 + early.columns - 1) / early.columns)
    }

    /// With AVX-512 two adjacent full tiles run as one 6 x 32 tile (`PointwiseTile.thirtyTwo`):
    /// which tiles pair, the same sums bit for bit as the two 16-column tiles one after the
    /// other (packed one after the other, or in place), and layers that pair in each visit
    /// (packed, in place, by tiles with K in chunks, panel ranges sharing a packing) against the
    /// reference.
    @Test func pointwisePairs() {
        // 81 columns: 16 x 4 + 17 (AVX-512): tiles 0 to 2 each start a pair (the visits take 0
        // and 2), not 3, whose next is the joined 17.
        let tiles = PointwiseTiles(columns: 81)
        #expect((0..<tiles.count).map(tiles.pairs(at:)) == (PointwiseTile.pairs ? [true, true, true, false, false]
                                                                              : [Bool](repeating: false, count: tiles.count)))
        #expect(!PointwiseTiles(columns: 28).pairs(at: 0), "16 + 12: the second is not whole")
        #expect(PointwiseTiles(columns: 32).pairs(at: 0) == PointwiseTile.pairs)
        #expect(PointwiseTile.readsInPlace(width: 32) == PointwiseTile.pairs)

        #if NETDISSECT_ISA_AVX512
        let k = 37, rows = 5, ldy = 40
        var rng = SeededGenerator(seed: 11)
        let w = rng.normals(PointwiseTile.rows * k + PointwiseTile.overread), bias = rng.normals(PointwiseTile.rows)
        let a = rng.normals(k * 16), b = rng.normals(k * 16), residual = rng.normals(rows * ldy)
        // The two tiles packed one after the other (16 K apart), and side by side in rows 35 apart.
        var side = [Float](repeating: .nan, count: k * 35)
        for r in 0..<k { for c in 0..<16 { side[r * 35 + c] = a[r * 16 + c]; side[r * 35 + 16 + c] = b[r * 16 + c] } }
        /// y (rows, ldy), NaN but where the tile stores: a tile of `width` over x, its y and
        /// residual from column `column`.
        func run(_ width: Int, _ x: [Float], ldx: Int? = nil, second: Int = 16, into y: inout [Float], column: Int = 0) {
            w.withUnsafeBufferPointer { wb in bias.withUnsafeBufferPointer { bb in
                x.withUnsafeBufferPointer { xb in residual.withUnsafeBufferPointer { rb in
                    y.withUnsafeMutableBufferPointer { yb in
                        PointwiseTile.run(ReLU(), width: width, w: wb.baseAddress!, x: xb.baseAddress!, ldx: ldx,
                                          second: second, k: k, bias: bb.baseAddress!, rows: rows,
                                          residual: rb.baseAddress! + column, y: yb.baseAddress! + column, ldy: ldy)
                    }
                }}
            }}
        }
        var singles = [Float](repeating: .nan, count: rows * ldy)
        run(16, a, into: &singles)
        run(16, b, into: &singles, column: 16)
        var packedPair = [Float](repeating: .nan, count: rows * ldy), inPlacePair = packedPair
        run(32, a + b, ldx: 16, second: 16 * k, into: &packedPair)
        run(32, side, ldx: 35, into: &inPlacePair)
        #expect(singles.filter(\.isNaN).count == rows * (ldy - 32))
        for (y, name) in [(packedPair, "packed one after the other"), (inPlacePair, "in place")] {
            #expect(zip(y, singles).allSatisfy { $0 == $1 || $0.isNaN && $1.isNaN }, "\(name)")
        }
        #endif

        withEvery("case", in: [
            // Packed (60 outputs from 40 inputs with a residual: neither rule reads in place).
            Case(shape: Self.conv(40, 60, 9, 9, k: (1, 1)), activation: .relu, residual: true),
            // In place (30 outputs), 81 and 64 columns.
            Case(shape: Self.conv(64, 30, 9, 9, k: (1, 1)), activation: .clip(min: 0, max: 6)),
            Case(shape: Self.conv(64, 13, 8, 8, k: (1, 1)), batch: 2, residual: true),
            // Blocks of at least a pair where K is deep (K * HW beyond `pointwiseWholeMap`).
            Case(shape: Self.conv(1100, 14, 8, 10, k: (1, 1)), activation: .relu, residual: true),
            // By tiles, K in chunks of at most 128 rows for a pair (3 of 100).
            Case(shape: Self.conv(300, 13, 24, 24, k: (1, 1)), activation: .relu),
        ]) { check($0, threads: [1, 2]) }
    }
}
