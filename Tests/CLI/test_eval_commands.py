"""`parley eval self` and `parley eval beir` as a user runs them: on the demo tenant of a real
`parley serve` data folder, and on the FAQ development sets in eval/."""
import json
import math
import re
import subprocess
import sys
import unittest
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Browser"))
from harness import ParleyServer  # noqa: E402

REPOSITORY = Path(__file__).resolve().parents[2]
# Below the FAQ confidence sets' measured ROC AUC (README, "Answer confidence"): a regression floor.
FAQ_AUC_FLOOR = 0.70


class EvalCommandsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # `parley serve` seeds the demo tenant and its knowledge base; the commands then read its database.
        cls.server = ParleyServer()
        cls.server.start()
        cls.server.stop()

    @classmethod
    def tearDownClass(cls):
        cls.server.remove()

    def run_cli(self, *arguments):
        return subprocess.run([self.server.binary, *arguments], cwd=self.server.folder, env=self.server.environment(),
                              capture_output=True, text=True, timeout=600)

    def test_self_evaluation_of_the_demo_tenant(self):
        output = self.server.cli("eval", "self", "--tenant", "demo", "--per-kind", "100")
        faq = json.loads((REPOSITORY / "Sources/ParleyServer/Resources/DemoKnowledge/faq.json").read_text())
        header = re.search(r"Self-evaluation of demo: (\d+) chunks, (\d+) self-queries \((\d+) questions, (\d+) headings, (\d+) titles\)", output)
        self.assertIsNotNone(header, output)
        chunks, queries, questions, headings, titles = map(int, header.groups())
        self.assertEqual(questions, len(faq), "every demo FAQ question is a self-query")
        self.assertEqual(queries, questions + headings + titles)
        self.assertGreater(headings, 0)
        modes = dict(re.findall(r"^  (lexical|dense|hybrid)\s+(\d+\.\d \[\d+\.\d, \d+\.\d\])", output, re.M))
        self.assertIn("lexical", modes, output)
        for mode, interval in modes.items():
            mean, low, high = map(float, re.findall(r"\d+\.\d", interval))
            self.assertTrue(0 <= low <= mean <= high <= 100, f"{mode}: {interval}")
        if "dense" in modes:
            self.assertRegex(output, r"(a real difference|within noise)")

    def test_bad_arguments_are_named(self):
        unknown = self.run_cli("eval", "self", "--tenant", "no-such-shop")
        self.assertNotEqual(unknown.returncode, 0)
        self.assertIn("no tenant has the slug 'no-such-shop'", unknown.stderr)
        for value in ("0", "5001"):
            refused = self.run_cli("eval", "self", "--tenant", "demo", "--per-kind", value)
            self.assertNotEqual(refused.returncode, 0)
            self.assertIn("--per-kind must be between 1 and 5000", refused.stderr)
        fusion = self.run_cli("eval", "beir", str(REPOSITORY / "eval/faq-debian"), "--fusion", "bogus")
        self.assertNotEqual(fusion.returncode, 0)
        self.assertIn("--fusion must be absolute, convex or rrf", fusion.stderr)
        missing = self.run_cli("eval", "beir", str(self.server.folder / "no-such-set"), "--mode", "lexical")
        self.assertNotEqual(missing.returncode, 0)
        self.assertNotIn("Fatal error", missing.stderr)

    def test_the_run_file_holds_the_ranking_the_printed_figures_come_from(self):
        folder = REPOSITORY / "eval/faq-debian"
        run_path = self.server.folder / "faq-debian.run"
        output = self.server.cli("eval", "beir", str(folder), "--mode", "lexical", "--run", str(run_path))
        printed = float(re.search(r"nDCG@10 (\d+\.\d\d)", output).group(1))
        ranking = defaultdict(list)
        for line in run_path.read_text().splitlines():
            query, q0, document, rank, score, tag = line.split()
            self.assertEqual((q0, tag), ("Q0", "parley-lexical"))
            ranking[query].append((int(rank), float(score), document))
        relevant = defaultdict(set)
        for line in (folder / "qrels/test.tsv").read_text().splitlines()[1:]:
            query, document, grade = line.split("\t")
            if int(grade) > 0:
                relevant[query].add(document)
        total = 0.0
        for query, documents in relevant.items():
            ranked = ranking.get(query, [])
            self.assertEqual([rank for rank, _, _ in ranked], list(range(1, len(ranked) + 1)))
            self.assertEqual([score for _, score, _ in ranked], sorted((score for _, score, _ in ranked), reverse=True))
            self.assertLessEqual(len(ranked), 100)
            dcg = sum(1 / math.log2(rank + 1) for rank, _, document in ranked[:10] if document in documents)
            ideal = sum(1 / math.log2(i + 2) for i in range(min(10, len(documents))))
            total += dcg / ideal
        self.assertAlmostEqual(total / len(relevant) * 100, printed, delta=0.006)

    def test_hybrid_evaluation_fits_the_dense_weight_to_the_queries_and_to_the_corpus_titles(self):
        # 119 queries: each is ranked with the weight the others call for (50 or more decide).
        folder = str(REPOSITORY / "eval/faq-python-titled")
        judged = (REPOSITORY / "eval/faq-python-titled/qrels/test.tsv").read_text().splitlines()[1:]
        queries = len({line.split("\t")[0] for line in judged if line.strip()})
        output = self.server.cli("eval", "beir", folder)
        # Leave-one-out: each query ranked with the weight the queries before it call for.
        ranked = re.search(r"leave-one-out: each query ranked with the weight the up to 300 queries before it call for: "
                           r"dense weights (\d\.\d\d)-(\d\.\d\d) \(median (\d\.\d\d)\)$", output, re.M)
        self.assertIsNotNone(ranked, output)
        low, high, median = map(float, ranked.groups())
        self.assertTrue(0 <= low <= median <= high <= 1, ranked.groups())
        together = re.search(r"all (\d+) queries together: dense weight fitted to this content: (\d\.\d\d) \(90% of resamples (\d\.\d\d)-(\d\.\d\d)\), "
                             r"from how decisively each retriever answered (\d+) visitors' questions(.*)", output)
        self.assertIsNotNone(together, output)
        count, weight, low, high, answered, rest = together.groups()
        self.assertTrue(0 <= float(low) <= float(weight) <= float(high) <= 1, together.groups())
        # A weight of 1 is the dense ranking alone, and the line says so (only then).
        self.assertEqual(float(weight) == 1, "the dense ranking alone, which decided at least 2.2 times" in rest, rest)
        # Every judged query's text counts, but those of fewer than three words ask too little.
        self.assertEqual(count, answered)
        self.assertTrue(100 <= int(count) <= queries, (count, queries))
        self.assertNotIn("the titles' fit", output, "every query had 50 others or more")
        self.assertIn("absolute fusion with the fitted dense weights below", output)
        self.assertNotIn("by dense weight", output, "no scratch index when visitors' questions decide")
        titles = self.server.cli("eval", "beir", folder, "--no-visitor-questions")
        self.assertRegex(titles, r"dense weight fitted to this content: \d\.\d\d .*from how decisively each retriever answered \d+ self-queries")
        self.assertNotIn("visitors' questions", titles)
        curve = re.search(r"by dense weight: (.*)", titles).group(1).split()
        self.assertEqual([float(weight) for weight in curve[0::2]], [i / 10 for i in range(11)])
        self.assertTrue(all(0 <= float(score) <= 100 for score in curve[1::2]), curve)
        kept = self.server.cli("eval", "beir", folder, "--no-fit")
        self.assertIn("absolute fusion alpha 0.5", kept)
        self.assertNotIn("self-queries", kept)

    def test_confidence_separates_answerable_questions_on_the_demo_knowledge_base(self):
        folder = REPOSITORY / "eval/confidence-demo"
        output = self.server.cli("eval", "confidence", str(folder), "--tenant", "demo", "--per-question")
        labels = [line.split("\t")[1] for line in (folder / "questions.tsv").read_text().splitlines()[1:]]
        self.assertIn(f"{labels.count('1')} answerable, {labels.count('0')} unanswerable questions", output)
        auc = float(re.search(r"ROC AUC (\d\.\d+)", output).group(1))
        self.assertGreater(auc, 0.75, output)
        rows = [line for line in output.splitlines() if line.startswith(("answerable", "unanswerable"))]
        self.assertEqual(len(rows), len(labels))
        scores = [float(row.split()[1]) for row in rows]
        self.assertEqual(scores, sorted(scores))
        self.assertRegex(output, r"refused \(below 0\.3\): answerable \d+\.\d%, unanswerable \d+\.\d%")
        missing = self.run_cli("eval", "confidence", str(folder), "--tenant", "no-such-shop")
        self.assertNotEqual(missing.returncode, 0)
        self.assertIn("no tenant has the slug 'no-such-shop'", missing.stderr)
        broken = self.server.folder / "broken"
        broken.mkdir(exist_ok=True)
        (broken / "questions.tsv").write_text("question\tanswerable\nis this labelled\tmaybe\n")
        refused = self.run_cli("eval", "confidence", str(broken), "--tenant", "demo")
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("Line 2 is not", refused.stderr)
        self.assertNotIn("Fatal error", refused.stderr)

    def test_confidence_on_a_set_that_brings_its_own_knowledge_base(self):
        # A help centre missing a third of its FAQ (eval/build_confidence_sets.py): the held-out
        # entries' questions are on topic and unanswerable.
        folder = REPOSITORY / "eval/confidence-faq-debian"
        output = self.server.cli("eval", "confidence", str(folder))
        documents = sum(1 for line in (folder / "corpus.jsonl").read_text().splitlines() if line.strip())
        labels = [line.split("\t")[1] for line in (folder / "questions.tsv").read_text().splitlines()[1:]]
        self.assertIn(f"(its corpus.jsonl, {documents} documents): {labels.count('1')} answerable, {labels.count('0')} unanswerable questions", output)
        auc = float(re.search(r"ROC AUC (\d\.\d+)", output).group(1))
        self.assertGreater(auc, FAQ_AUC_FLOOR, output)
        both = self.run_cli("eval", "confidence", str(folder), "--tenant", "demo")
        self.assertNotEqual(both.returncode, 0)
        self.assertIn("brings its own knowledge base (corpus.jsonl): leave out --tenant", both.stderr)
        neither = self.run_cli("eval", "confidence", str(REPOSITORY / "eval/confidence-demo"))
        self.assertNotEqual(neither.returncode, 0)
        self.assertIn("--tenant is needed", neither.stderr)
        broken = self.server.folder / "broken-corpus"
        broken.mkdir(exist_ok=True)
        (broken / "questions.tsv").write_text("question\tanswerable\nis this answered\t1\n")
        (broken / "corpus.jsonl").write_text('{"_id": "a", "text": "fine"}\nnot json\n')
        refused = self.run_cli("eval", "confidence", str(broken))
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("corpus.jsonl line 2 is not a JSON object", refused.stderr)
        self.assertNotIn("Fatal error", refused.stderr)


if __name__ == "__main__":
    unittest.main()
