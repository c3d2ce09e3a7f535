import Metrics
import Prometheus

/// The process's metrics backend: swift-metrics bootstrapped once with a Prometheus registry,
/// which `/metrics` writes out. Every Parley server in a process (tests start many) shares it,
/// as the metrics system is global.
enum PrometheusExport {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Request and model-call latencies: from 5 ms to a minute (a streamed answer).
        factory.defaultDurationHistogramBuckets = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                                                   .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
                                                   .seconds(10), .seconds(30), .seconds(60)]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Makes sure the backend is in place before the first metric is made.
    static func start() {
        _ = registry
    }
}
