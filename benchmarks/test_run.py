"""Unit tests for benchmarks/run.py (run: python3 -m unittest discover -s benchmarks -p 'test_*.py'
or, from benchmarks/, python3 -m unittest test_run)."""

import json
import os
import re
import shutil
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402


def fake_runs(times, ok=True, rss=1000):
    return [{"wall": t, "cpu": t, "maxrss_kb": rss, "ok": ok, "warmup": False} for t in times]


def fake_results(engines=("luatrace-joff", "luatrace", "lua5.4", "luajit")):
    """Two benchmarks; luatrace fails the second one; luajit is skipped on it."""
    results = {"benchmarks": [
        {"name": "alpha", "file": "alpha.lua", "category": "integer", "description": "a | b", "size": "10",
         "engines": {
             "luatrace-joff": {"status": "ok", "runs": fake_runs([2.0, 2.2, 2.1])},
             "luatrace": {"status": "ok", "runs": fake_runs([0.5, 0.4, 0.6])},
             "lua5.4": {"status": "ok", "runs": fake_runs([1.0, 1.1, 0.9], rss=2500)},
             "luajit": {"status": "ok", "runs": fake_runs([0.1, 0.1, 0.1])},
         }},
        {"name": "beta", "file": "beta.lua", "category": "string", "description": "", "size": "5",
         "engines": {
             "luatrace-joff": {"status": "ok", "runs": fake_runs([4.0, 4.0, 4.0])},
             "luatrace": {"status": "wrong-output", "error": "line 1: expected '1', got '2'",
                          "runs": fake_runs([1.0], ok=False)},
             "lua5.4": {"status": "ok", "runs": fake_runs([2.0, 2.0, 2.0])},
             "luajit": {"status": "skipped", "error": "needs Lua 5.3+ features", "runs": []},
         }},
    ]}
    engines = [e for e in engines]
    results["summary"] = run.compute_summary(results, engines, "lua5.4")
    results["meta"] = {
        "date": "2025-01-01 12:00 UTC", "command": "python3 benchmarks/run.py --runs 3", "runs": 3, "warmup": 0,
        "quick": False, "engines": engines, "engines_missing": [], "baseline": "lua5.4",
        "engine_info": {e: {"argv": [e], "version": e + " 1.0"} for e in engines},
        "swift_version": "Swift version 6.3", "memory_method": "GNU time",
        "machine": {"cpu": "Test CPU", "cores": 2, "cores_available": 2, "mem_total_kb": 4194304,
                    "os": "Linux", "loadavg_start": [0.5, 0.4, 0.3]},
        "json_path": os.path.join(run.HERE, "results.json"), "elapsed": 12.0,
    }
    return results


class OutputTests(unittest.TestCase):
    def test_normalize(self):
        self.assertEqual(run.normalize_output("a  \r\nb\n\n\n"), "a\nb")
        self.assertEqual(run.normalize_output(""), "")

    def test_expected_text_list_or_string(self):
        self.assertEqual(run.expected_text(["x", "y "]), "x\ny")
        self.assertEqual(run.expected_text("x\ny\n"), "x\ny")
        self.assertIsNone(run.expected_text(None))

    def test_first_difference(self):
        self.assertIn("line 2", run.first_difference("a\nb", "a\nc"))
        self.assertIn("<missing>", run.first_difference("a\nb", "a"))

    def test_classify(self):
        base = {"timed_out": False, "rc": 0, "stdout": "42\n", "stderr": "", "wall": 1.0}
        self.assertEqual(run.classify(base, "42")[:2], (True, "ok"))
        self.assertEqual(run.classify(dict(base, stdout="41"), "42")[1], "wrong-output")
        err = run.classify(dict(base, rc=1, stderr="lua: x.lua:3: attempt to call a nil value (field 'rep')\n"), "42")
        self.assertEqual(err[1], "error")
        self.assertIn("attempt to call", err[2])
        self.assertEqual(run.classify(dict(base, timed_out=True, rc=-9), "42")[1], "timeout")

    def test_crash_and_signal(self):
        self.assertEqual(run.signal_of(-11), 11)
        self.assertEqual(run.signal_of(139), 11)
        self.assertIsNone(run.signal_of(1))
        res = {"timed_out": False, "rc": 139, "wall": 1.0, "stdout": "",
               "stderr": "\n*** Signal 11: Backtracing from 0x1... done ***\n\n"
                         "*** Program crashed: Bad pointer dereference at 0x0 ***\n"}
        ok, status, msg = run.classify(res, "x")
        self.assertEqual(status, "error")
        self.assertIn("SIGSEGV", msg)
        self.assertIn("Bad pointer dereference", msg)

    def test_parse_time_maxrss(self):
        self.assertEqual(run.parse_time_maxrss("1544\n"), 1544)
        self.assertEqual(run.parse_time_maxrss("Command exited with non-zero status 3\n1544\n"), 1544)
        self.assertIsNone(run.parse_time_maxrss(""))


class StatsTests(unittest.TestCase):
    def test_median_quartiles(self):
        self.assertEqual(run.median([3, 1, 2]), 2)
        self.assertEqual(run.quartiles([5.0]), (5.0, 5.0))
        q1, q3 = run.quartiles([1, 2, 3, 4, 5])
        self.assertEqual((q1, q3), (2, 4))

    def test_geomean(self):
        self.assertAlmostEqual(run.geomean([0.5, 2.0]), 1.0)
        self.assertAlmostEqual(run.geomean([4.0, 1.0]), 2.0)
        self.assertIsNone(run.geomean([]))
        self.assertAlmostEqual(run.geomean([None, 8.0]), 8.0)

    def test_summarize_ignores_failed_runs(self):
        runs = fake_runs([1.0, 3.0, 2.0]) + fake_runs([100.0], ok=False)
        s = run.summarize_runs(runs)
        self.assertEqual(s["n"], 3)
        self.assertEqual(s["median"], 2.0)
        self.assertEqual((s["min"], s["max"]), (1.0, 3.0))
        self.assertIsNone(run.summarize_runs(fake_runs([1.0], ok=False)))

    def test_compute_summary(self):
        r = fake_results()
        per = r["summary"]["per_benchmark"]
        self.assertAlmostEqual(per["alpha"]["luatrace"]["ratio"], 0.5)
        self.assertAlmostEqual(per["alpha"]["luatrace-joff"]["ratio"], 2.1)
        self.assertAlmostEqual(per["alpha"]["lua5.4"]["ratio"], 1.0)
        self.assertIsNone(per["beta"]["luatrace"]["ratio"])
        self.assertIsNone(per["beta"]["luajit"]["ratio"])
        geo = r["summary"]["geomean"]
        self.assertEqual(geo["luatrace"]["count"], 1)          # failure excluded
        self.assertAlmostEqual(geo["luatrace"]["geomean_ratio"], 0.5)
        self.assertEqual(geo["luatrace-joff"]["count"], 2)
        self.assertAlmostEqual(geo["luatrace-joff"]["geomean_ratio"], (2.1 * 2.0) ** 0.5)
        self.assertAlmostEqual(geo["lua5.4"]["geomean_ratio"], 1.0)

    def test_summary_without_baseline_runs(self):
        r = fake_results()
        r["benchmarks"][0]["engines"]["lua5.4"] = {"status": "error", "error": "boom", "runs": fake_runs([1], ok=False)}
        s = run.compute_summary(r, ["luatrace-joff", "luatrace", "lua5.4", "luajit"], "lua5.4")
        self.assertIsNone(s["per_benchmark"]["alpha"]["luatrace"]["ratio"])


class SelectionTests(unittest.TestCase):
    benches = [{"name": "fib", "category": "recursion"}, {"name": "strformat", "category": "string"},
               {"name": "strbuild", "category": "string"}, {"name": "loop", "category": "integer"}]

    def names(self, f):
        return [b["name"] for b in run.select_benchmarks(self.benches, f)]

    def test_filter(self):
        self.assertEqual(self.names(None), ["fib", "strformat", "strbuild", "loop"])
        self.assertEqual(self.names("fib"), ["fib"])
        self.assertEqual(self.names("str"), ["strformat", "strbuild"])
        self.assertEqual(self.names("string,loop"), ["strformat", "strbuild", "loop"])
        self.assertEqual(self.names("^s.*d$"), ["strbuild"])
        self.assertEqual(self.names("nothing"), [])


class ReportTests(unittest.TestCase):
    def test_markdown(self):
        md = run.render_markdown(fake_results(), "benchmarks.svg")
        self.assertIn("Generated by `benchmarks/run.py`", md)
        self.assertIn("Test CPU", md)
        self.assertIn("lua5.4 1.0", md)
        self.assertIn("FAIL (wrong output)", md)
        self.assertIn("geometric mean", md)
        self.assertIn("0.50×", md)
        self.assertIn("![", md)
        self.assertIn("a \\| b", md)  # pipes escaped inside tables
        # every table row has the same number of cells as its header
        for block in re.findall(r"((?:^\|.*\|\n)+)", md + "\n", re.M):
            rows = [ln for ln in block.strip().split("\n")]
            counts = {len(re.split(r"(?<!\\)\|", ln)) for ln in rows}
            self.assertEqual(len(counts), 1, block)

    def test_svg_is_well_formed(self):
        svg = run.render_svg(fake_results())
        root = ET.fromstring(svg)
        self.assertTrue(root.tag.endswith("svg"))
        texts = "".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
        self.assertIn("alpha", texts)
        self.assertIn("geometric mean", texts)
        self.assertIn("FAILED (wrong output)", texts)
        rects = [e for e in root.iter() if e.tag.endswith("rect")]
        self.assertGreater(len(rects), 4)

    def test_svg_without_any_ratio(self):
        r = fake_results(engines=("luatrace",))
        r["summary"] = run.compute_summary(r, ["luatrace"], "luatrace")
        r["meta"]["engines"] = ["luatrace"]
        ET.fromstring(run.render_svg(r))

    def test_write_and_report_only_roundtrip(self):
        d = tempfile.mkdtemp()
        try:
            res = fake_results()
            paths = [os.path.join(d, n) for n in ("r.json", "b.md", "b.svg")]
            run.write_reports(res, *paths)
            with open(paths[0]) as f:
                self.assertEqual(json.load(f)["summary"]["baseline"], "lua5.4")
            rc = run.main(["--report-only", "--json", paths[0], "--md", paths[1], "--svg", paths[2]])
            self.assertEqual(rc, 0)
            with open(paths[1]) as f:
                self.assertIn("Generated by", f.read())
        finally:
            shutil.rmtree(d)

    def test_text_table(self):
        t = run.text_table(["a", "bb"], [["x", "1"], ["yyy", "22"]])
        self.assertEqual(len(t.split("\n")), 4)


class ManifestTests(unittest.TestCase):
    def test_manifest_is_consistent(self):
        benches = run.load_manifest()
        self.assertGreaterEqual(len(benches), 15)
        for b in benches:
            path = os.path.join(run.HERE, b["file"])
            self.assertTrue(os.path.exists(path), b["file"])
            self.assertTrue(b.get("expected"), "%s has no expected output" % b["name"])
            self.assertTrue(b.get("expected_quick"), "%s has no quick expected output" % b["name"])
            self.assertIn("luajit", b)
            with open(path) as f:
                src = f.read()
            # the script's built-in default size is the manifest's default size
            m = re.search(r"tonumber\(arg and arg\[1\]\) or (\d+)", src)
            self.assertIsNotNone(m, b["file"])
            self.assertEqual(m.group(1), str(b["size"]), b["file"])
            if b["luajit"]:
                self.assertNotIn("//", re.sub(r"--.*", "", src), "%s uses // but is marked luajit-capable" % b["file"])


class RunOnceTests(unittest.TestCase):
    def test_run_once_and_timeout(self):
        py = sys.executable
        r = run.run_once([py, "-c", "print('hi')"], run.HERE, 30, run.find_gnu_time())
        self.assertEqual(r["rc"], 0)
        self.assertEqual(r["stdout"].strip(), "hi")
        self.assertGreater(r["wall"], 0)
        r = run.run_once([py, "-c", "import time; time.sleep(30)"], run.HERE, 0.5, run.find_gnu_time())
        self.assertTrue(r["timed_out"])
        self.assertLess(r["wall"], 10)
        r = run.run_once(["/nonexistent/engine"], run.HERE, 5)
        self.assertIsNone(r["rc"])
        ok, status, _ = run.classify(r, "x")
        self.assertEqual(status, "error")


if __name__ == "__main__":
    unittest.main()
