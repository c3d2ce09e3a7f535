import Foundation
import ParleyCore

/// The self-evaluation report as the CLI prints it.
public enum SelfEvaluationText {
    public static func render(_ report: SelfEvaluationReport, tenant: String) -> String {
        let summary = report.summary
        var lines: [String] = []
        let kinds = SelfQuery.Kind.allCases.map { "\(summary.queries[$0.rawValue] ?? 0) \(label($0))" }.joined(separator: ", ")
        let sampled = summary.indexedChunks < summary.chunks ? " (a sample of \(summary.indexedChunks) indexed)" : ""
        lines.append("Self-evaluation of \(tenant): \(summary.chunks) chunks\(sampled), \(summary.queryCount) self-queries (\(kinds))")
        guard summary.queryCount > 0 else {
            lines.append("  No FAQ question, heading or title names exactly one place: nothing to measure.")
            return lines.joined(separator: "\n")
        }
        lines.append("  nDCG@10 with its 95% bootstrap interval (\(summary.resamples) resamples); MRR@10, Recall@10")
        for figures in summary.modes {
            var line = "  \(figures.mode.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(interval(figures.ndcgAt10))"
                + "   MRR \(number(figures.mrrAt10))   R@10 \(number(figures.recallAt10))"
            for kind in SelfQuery.Kind.allCases {
                if let mean = figures.ndcgByKind[kind.rawValue] { line += "   \(label(kind)) \(number(mean))" }
            }
            lines.append(line)
        }
        for difference in summary.differences {
            let estimate = difference.nDCGAt10
            let verdict = difference.beyondNoise ? "a real difference" : "within noise"
            lines.append("  \(difference.better.rawValue) - \(difference.other.rawValue): \(signed(estimate.mean)) "
                         + "[\(signed(estimate.low)), \(signed(estimate.high))], \(verdict)")
        }
        if let fit = summary.fit, !fit.curve.isEmpty {
            lines.append("  hybrid nDCG@10 by dense weight: \(curve(fit))")
            lines.append("  " + describe(fit))
        }
        if summary.queryCount < 30 {
            lines.append("  Fewer than 30 self-queries: the intervals are wide; add FAQ entries or headed sections for a firmer figure.")
        }
        return lines.joined(separator: "\n")
    }

    /// `0.0 76.6  0.1 80.2  …`: the self-queries' hybrid nDCG@10 at each weight tried.
    public static func curve(_ fit: DenseWeightFit) -> String {
        fit.curve.map { "\(weight($0.alpha)) \(number($0.ndcgAt10))" }.joined(separator: "  ")
    }

    /// Said of a weight of 1 (`DecisivenessWeight.denseAloneRatio`).
    static func alone(_ fit: DenseWeightFit) -> String {
        DecisivenessWeight.ranksDenseAlone(fit.denseWeight)
            ? "; the dense ranking alone, which decided at least \(DecisivenessWeight.denseAloneRatio) times as clearly as BM25" : ""
    }

    /// What the fit chose, and why.
    public static func describe(_ fit: DenseWeightFit) -> String {
        let range = fit.weightRange.flatMap { $0.count == 2 ? " (90% of resamples \(weight2($0[0]))-\(weight2($0[1])))" : nil } ?? ""
        let best = fit.bestWeight.map { "; the self-queries' best weight: \(weight($0))" } ?? ""
        return switch fit.outcome {
        case .fitted where fit.basis == .visitorQuestions:
            "dense weight fitted to this content: \(weight2(fit.denseWeight))\(range), from how decisively each retriever answered \(fit.visitorQuestions ?? 0) visitors' questions\(best)\(alone(fit))"
        case .fitted where fit.basis == nil:
            "dense weight: the configured one until the next fit (the stored fit, \(weight(fit.denseWeight)), was measured by an earlier version)"
        case .fitted:
            "dense weight fitted to this content: \(weight2(fit.denseWeight))\(range), from how decisively each retriever answered \(fit.selfQueries) self-queries\(best)\(alone(fit))"
        case .tooFewQueries:
            "dense weight: \(weight(fit.denseWeight)), the configured one (\(fit.selfQueries) self-queries, \(fit.visitorQuestions ?? 0) visitors' questions; fitting needs \(DenseWeightFit.minimumQueries) self-queries or \(DenseWeightFit.minimumVisitorQuestions) questions)"
        case .notApplicable:
            "dense weight: \(weight(fit.denseWeight)), the configured one (no dense retrieval or RRF fusion)"
        }
    }

    public static func weight(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A measured weight, to the two decimals it is rounded to.
    public static func weight2(_ value: Double) -> String { String(format: "%.2f", value) }

    static func label(_ kind: SelfQuery.Kind) -> String {
        switch kind {
        case .question: "questions"
        case .heading: "headings"
        case .title: "titles"
        }
    }

    static func interval(_ estimate: RetrievalQualityReport.Interval) -> String {
        "\(number(estimate.mean)) [\(number(estimate.low)), \(number(estimate.high))]"
    }

    /// A share as points out of 100 with one decimal.
    static func number(_ share: Double) -> String { String(format: "%.1f", share * 100) }

    static func signed(_ share: Double) -> String { String(format: "%+.1f", share * 100) }
}
