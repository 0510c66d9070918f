// Starting a dissection inside the explorer: the same request and the same setup as
// `netdissect dissect` (`DissectRunner.prepare`), driven by the explorer instead of run to the end.

import Dissection
import Foundation
import Workflows

/// Builds the engine objects for a live dissection.
public enum LiveDissection {
    /// A dissector ready to run, or a one-line failure.
    public static func prepare(_ request: DissectRequest) throws(ExploreFailure) -> Dissector {
        let delay = ProcessInfo.processInfo.environment["NETDISSECT_TEST_BATCH_DELAY_MS"].flatMap(Int.init) ?? 0
        do {
            return try DissectRunner.prepare(request) { producer in
                delay > 0 ? ThrottledProducer(producer, delay: delay) : producer
            }
        } catch let failure as DissectFailure {
            throw ExploreFailure(failure.message)
        } catch {
            throw ExploreFailure("explore: \(error)")
        }
    }
}

/// A test hook (`NETDISSECT_TEST_BATCH_DELAY_MS`): slows every batch down so end-to-end tests
/// can watch a run, pause it and resume it before it ends.
final class ThrottledProducer: ActivationProducer {
    let inner: ActivationProducer
    let delay: Int
    init(_ inner: ActivationProducer, delay: Int) { self.inner = inner; self.delay = delay }
    var layers: [LayerShape] { inner.layers }
    var needsImages: Bool { inner.needsImages }
    var isRereadable: Bool { inner.isRereadable }
    func produce(_ items: [SampleItem], into output: inout [[Float]]) throws -> [String?] {
        usleep(useconds_t(delay * 1000))
        return try inner.produce(items, into: &output)
    }
    func produce(_ items: [SampleItem], into output: inout [[Float]], visit: ProducedRowVisitor?) throws -> [String?] {
        usleep(useconds_t(delay * 1000))
        return try inner.produce(items, into: &output, visit: visit)
    }
}
