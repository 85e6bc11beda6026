#!/usr/bin/env python3
"""LuaTrace benchmark runner (python3 standard library only).

Runs every benchmark in benchmarks/manifest.json under

    luatrace -joff   (the LuaTrace interpreter alone)
    luatrace         (interpreter + tracing JIT)
    lua5.4           (the reference implementation; the baseline of all ratios)
    luajit           (when installed; skipped for benchmarks marked "luajit": false)

interleaved round-robin: for each benchmark, repetition r runs every engine once
(starting at a different engine each repetition), so slow drifts in machine load
hit all engines alike.  Every run's output is compared with the expected text in
the manifest; a wrong answer, a crash or a timeout marks that engine as failed for
that benchmark (the runner carries on).

Outputs
    benchmarks/results.json   raw per-run data + summary + machine description
    docs/benchmarks.md        the Markdown report (generated, not hand-written)
    docs/benchmarks.svg       bar chart of time ratios against lua5.4 (log scale)
and the summary table on stdout; progress goes to stderr.

Typical use
    swift build -c release
    python3 benchmarks/run.py                       # 5 runs of everything
    python3 benchmarks/run.py --runs 3 --filter fib,string
    python3 benchmarks/run.py --quick               # 1 run at small sizes (smoke test;
                                                    # writes to benchmarks/out/)
    python3 benchmarks/run.py --report-only         # re-render md/svg from results.json

Exit status: 0 when every run produced the expected output, 1 when some
benchmark failed on some engine, 2 on usage errors (e.g. no luatrace binary).
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from report import (ENGINE_COLOR, ENGINE_LABEL, geomean, fmt_time, fmt_ratio, fmt_mem, cell,  # noqa: E402,F401
                    md_table, text_table, jit_speedup, has_jit_pair, summary_rows, summary_header,
                    render_markdown, render_svg)
REPO = os.path.dirname(HERE)
MANIFEST = os.path.join(HERE, "manifest.json")
DEFAULT_LUATRACE = os.path.join(REPO, ".build", "release", "luatrace")

# Engine ids in display order.  "kind" says which executable the command uses.
ENGINE_ORDER = ["luatrace-joff", "luatrace", "lua5.4", "luajit"]


# ----------------------------------------------------------------------------- small helpers

def log(msg):
    print(msg, file=sys.stderr, flush=True)


def normalize_output(text):
    """Canonical form of a program's output for comparison: \\r\\n -> \\n, trailing
    whitespace stripped from every line, trailing blank lines dropped."""
    lines = text.replace("\r\n", "\n").split("\n")
    lines = [ln.rstrip() for ln in lines]
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines)


def expected_text(value):
    """Manifest expectations may be a string or a list of lines."""
    if value is None:
        return None
    if isinstance(value, list):
        return normalize_output("\n".join(value))
    return normalize_output(value)


def first_difference(expected, actual):
    """A one-line human description of where two outputs differ."""
    e = expected.split("\n")
    a = actual.split("\n")
    for i in range(max(len(e), len(a))):
        el = e[i] if i < len(e) else "<missing>"
        al = a[i] if i < len(a) else "<missing>"
        if el != al:
            return "line %d: expected %r, got %r" % (i + 1, el[:80], al[:80])
    return "outputs differ"


def median(xs):
    return statistics.median(xs) if xs else None


def quartiles(xs):
    """(q1, q3) with the inclusive method; for one sample both are that sample."""
    if not xs:
        return (None, None)
    if len(xs) == 1:
        return (xs[0], xs[0])
    q = statistics.quantiles(sorted(xs), n=4, method="inclusive")
    return (q[0], q[2])


def summarize_runs(runs):
    """Statistics over the successful runs of one (benchmark, engine) pair."""
    ok = [r for r in runs if r.get("ok")]
    walls = [r["wall"] for r in ok]
    if not walls:
        return None
    q1, q3 = quartiles(walls)
    cpus = [r["cpu"] for r in ok if r.get("cpu") is not None]
    mems = [r["maxrss_kb"] for r in ok if r.get("maxrss_kb")]
    return {
        "n": len(walls),
        "median": median(walls),
        "min": min(walls),
        "max": max(walls),
        "q1": q1,
        "q3": q3,
        "mean": statistics.mean(walls),
        "stdev": statistics.stdev(walls) if len(walls) > 1 else 0.0,
        "cpu_median": median(cpus),
        "maxrss_kb": max(mems) if mems else None,
    }


def compute_summary(results, engines, baseline):
    """Fill results["summary"]: per benchmark/engine stats and ratios against the
    baseline engine, plus the geometric mean of the ratios per engine (over the
    benchmarks where both that engine and the baseline succeeded)."""
    per_bench = {}
    ratios_by_engine = {e: [] for e in engines}
    for b in results["benchmarks"]:
        name = b["name"]
        stats = {}
        for e in engines:
            er = b["engines"].get(e)
            if er is None:
                continue
            s = summarize_runs(er.get("runs", []))
            stats[e] = {"status": er["status"], "error": er.get("error"), "stats": s}
        base = stats.get(baseline, {}).get("stats") if baseline else None
        for e, st in stats.items():
            ratio = None
            if base and st["stats"] and st["status"] == "ok" and stats[baseline]["status"] == "ok":
                ratio = st["stats"]["median"] / base["median"]
                ratios_by_engine[e].append(ratio)
            st["ratio"] = ratio
        per_bench[name] = stats
    geo = {}
    for e in engines:
        g = geomean(ratios_by_engine[e])
        geo[e] = {"geomean_ratio": g, "count": len(ratios_by_engine[e])}
    return {"baseline": baseline, "per_benchmark": per_bench, "geomean": geo}


# ----------------------------------------------------------------------------- running

def find_gnu_time():
    """GNU time (/usr/bin/time), used as a small intermediary to read the benchmark's
    own peak RSS: a process forked directly from this Python process inherits
    Python's resident-set high-water mark (Linux keeps it across exec), so the
    child's ru_maxrss from wait4() would never drop below ~18 MB."""
    for cand in ("/usr/bin/time", shutil.which("gtime") or ""):
        if cand and os.access(cand, os.X_OK):
            try:
                with tempfile.NamedTemporaryFile() as tf:
                    p = subprocess.run([cand, "-f", "%M", "-o", tf.name, "true"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)
                    tf.seek(0)
                    if p.returncode == 0 and parse_time_maxrss(tf.read().decode()) is not None:
                        return cand
            except (OSError, subprocess.TimeoutExpired):
                pass
    return None


def parse_time_maxrss(text):
    """The %M value (KiB) from GNU time's -o file: the last line that is an integer
    (GNU time writes "Command exited with non-zero status N" / "Command terminated
    by signal N" lines before the format output)."""
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.isdigit():
            return int(line)
    return None


GNU_TIME = None  # set in main(); None -> fall back to wait4()'s ru_maxrss


def run_once(cmd, cwd, timeout, gnu_time=None):
    """Run cmd once; returns dict(wall, cpu, maxrss_kb, rc, stdout, stderr, timed_out).

    Wall time is measured around spawn..reap.  CPU time (user+sys) comes from the
    rusage wait4() returns, which covers the reaped process and its reaped children.
    Peak RSS (KiB) comes from GNU time's %M when gnu_time is given, else from
    wait4()'s ru_maxrss (which has this Python process's RSS as a floor)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(prefix="luabench-time-") as tf:
        argv = list(cmd)
        if gnu_time:
            argv = [gnu_time, "-f", "%M", "-o", tf.name] + argv
        timed_out = [False]
        t0 = time.perf_counter()
        try:
            # own session/process group, so a timeout kills the whole tree
            proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                    start_new_session=True)
        except OSError as exc:
            return {"wall": 0.0, "cpu": None, "maxrss_kb": None, "rc": None, "stdout": "",
                    "stderr": "cannot start %s: %s" % (argv[0], exc), "timed_out": False}

        def kill():
            timed_out[0] = True
            try:
                os.killpg(proc.pid, 9)
            except OSError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            while True:
                try:
                    _, status, ru = os.wait4(proc.pid, 0)
                    break
                except InterruptedError:
                    continue
        except BaseException:
            # e.g. Ctrl-C: the child is in its own session and did not get the SIGINT
            kill()
            try:
                os.wait4(proc.pid, 0)
            except OSError:
                pass
            proc.returncode = -9
            raise
        finally:
            timer.cancel()
        t1 = time.perf_counter()
        rc = os.waitstatus_to_exitcode(status)
        proc.returncode = rc  # already reaped; keep Popen from waiting again
        maxrss = ru.ru_maxrss
        if gnu_time:
            tf.seek(0)
            m = parse_time_maxrss(tf.read().decode("utf-8", "replace"))
            maxrss = m if m is not None else None
        out.seek(0)
        err.seek(0)
        return {
            "wall": t1 - t0,
            "cpu": ru.ru_utime + ru.ru_stime,
            "maxrss_kb": maxrss,
            "rc": rc,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
            "timed_out": timed_out[0],
        }


def signal_of(rc):
    """The signal that ended a process, from Popen's rc (-N) or a wrapper's 128+N."""
    if rc is None:
        return None
    if rc < 0:
        return -rc
    if 128 < rc < 128 + 65:
        return rc - 128
    return None


def stderr_summary(text):
    """The most informative line of an engine's stderr: a Lua error message, Swift's
    'Fatal error'/'Program crashed' line, else the first non-empty line."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for ln in lines:
        if re.search(r"Fatal error|Program crashed|panic|error:", ln):
            return ln.strip("* ")
    for ln in lines:
        if not ln.startswith("***"):
            return ln
    return lines[0].strip("* ") if lines else "(no message)"


def classify(res, expected):
    """(ok, status, error message) for one run against the expected output."""
    if res["timed_out"]:
        return False, "timeout", "timed out after %.0f s" % res["wall"]
    if res["rc"] is None:
        return False, "error", res["stderr"].strip()[:300]
    if res["rc"] != 0:
        sig = signal_of(res["rc"])
        if sig:
            try:
                name = signal.Signals(sig).name
            except ValueError:
                name = "signal %d" % sig
            head = "crashed (%s)" % name
        else:
            head = "exit status %d" % res["rc"]
        return False, "error", "%s: %s" % (head, stderr_summary(res["stderr"])[:300])
    got = normalize_output(res["stdout"])
    if expected is None:
        return True, "ok", None
    if got != expected:
        return False, "wrong-output", first_difference(expected, got)
    return True, "ok", None


def engine_commands(args):
    """Map engine id -> (argv prefix, executable) for the engines that can run."""
    cmds = {}
    lt = args.luatrace
    cmds["luatrace-joff"] = [lt, "-joff"]
    cmds["luatrace"] = [lt]
    cmds["lua5.4"] = [args.lua54]
    cmds["luajit"] = [args.luajit]
    return cmds


def resolve_exe(path_or_name):
    if not path_or_name:
        return None
    if os.sep in path_or_name:
        return os.path.abspath(path_or_name) if os.access(path_or_name, os.X_OK) else None
    return shutil.which(path_or_name)


def version_of(argv):
    """First line of an interpreter's version banner (or None)."""
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = [ln.strip() for ln in p.stdout.decode("utf-8", "replace").splitlines() if ln.strip()]
    return lines[0] if lines else None


def machine_info():
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        avail = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        avail = None
    mem_kb = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_kb = int(line.split()[1])
                    break
    except (OSError, ValueError):
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "cpu": cpu or platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "cores_available": avail,
        "mem_total_kb": mem_kb,
        "os": "%s %s %s" % (platform.system(), platform.release(), platform.machine()),
        "python": platform.python_version(),
        "loadavg_start": list(load) if load else None,
    }


def source_info(luatrace_path):
    """Which LuaTrace source was measured: git commit (+ whether the work tree had
    uncommitted changes) and the binary's modification time.  Read-only git calls."""
    info = {}
    try:
        head = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, timeout=20)
        if head.returncode == 0:
            info["commit"] = head.stdout.decode().strip()
            st = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no", "--", "Sources"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=20)
            info["dirty"] = bool(st.stdout.strip())
    except (OSError, subprocess.TimeoutExpired):
        pass
    if luatrace_path and os.path.exists(luatrace_path):
        info["binary_mtime"] = datetime.datetime.fromtimestamp(os.path.getmtime(luatrace_path)).astimezone() \
            .strftime("%Y-%m-%d %H:%M %Z")
    return info


def load_manifest(path=MANIFEST):
    with open(path) as f:
        data = json.load(f)
    benches = data["benchmarks"]
    names = set()
    for b in benches:
        for key in ("name", "file", "category", "size"):
            if key not in b:
                raise ValueError("manifest entry %r lacks %r" % (b.get("name"), key))
        if b["name"] in names:
            raise ValueError("duplicate benchmark name %r" % b["name"])
        names.add(b["name"])
    return benches


def select_benchmarks(benches, filt):
    """--filter: comma-separated terms; a benchmark is kept when any term equals or
    is a substring of its name or equals its category; a term with regex
    metacharacters is used as a regular expression on the name."""
    if not filt:
        return list(benches)
    terms = [t.strip() for t in filt.split(",") if t.strip()]
    keep = []
    for b in benches:
        for t in terms:
            if re.search(r"[\^\$\*\+\?\[\]\(\)\|\\]", t):
                if re.search(t, b["name"]):
                    keep.append(b)
                    break
            elif t in b["name"] or t == b.get("category"):
                keep.append(b)
                break
    return keep


def run_suite(args, benches, engines, cmds):
    """The measurement loop.  Returns the results dict (without summary)."""
    size_key = "quick_size" if args.quick else "size"
    exp_key = "expected_quick" if args.quick else "expected"
    results = {"benchmarks": []}
    total = len(benches)
    try:
        _run_benchmarks(args, benches, engines, cmds, size_key, exp_key, results, total)
    except KeyboardInterrupt:
        log("interrupted: writing the results measured so far")
        results["interrupted"] = True
    return results


def _run_benchmarks(args, benches, engines, cmds, size_key, exp_key, results, total):
    for bi, b in enumerate(benches, 1):
        size = str(b.get(size_key) or b["size"])
        expected = expected_text(b.get(exp_key))
        if expected == "":
            expected = None
        path = os.path.join(HERE, b["file"])
        entry = {"name": b["name"], "file": b["file"], "category": b.get("category"),
                 "description": b.get("description", ""), "size": size, "engines": {}}
        active = []
        for e in engines:
            if e == "luajit" and not b.get("luajit", True):
                entry["engines"][e] = {"status": "skipped", "error": "needs Lua 5.3+ features", "runs": []}
            else:
                entry["engines"][e] = {"status": "ok", "error": None, "runs": []}
                active.append(e)
        if expected is None:
            log("warning: no expected output for %s at size %s; output is not verified" % (b["name"], size))
        reps = args.warmup + args.runs
        for rep in range(reps):
            warm = rep < args.warmup
            k = rep % len(active) if active else 0
            order = active[k:] + active[:k]
            for e in order:
                er = entry["engines"][e]
                if er["status"] != "ok":
                    continue  # already failed: don't waste time re-running it
                res = run_once(cmds[e] + [path, size], HERE, args.timeout, GNU_TIME)
                ok, status, msg = classify(res, expected)
                tag = "warmup" if warm else "run %d/%d" % (rep - args.warmup + 1, args.runs)
                log("[%d/%d] %-13s %-10s %-14s %8.3f s  %s" % (
                    bi, total, b["name"], tag, ENGINE_LABEL[e], res["wall"],
                    "ok" if ok else "%s: %s" % (status.upper(), msg)))
                if not ok:
                    er["status"] = status
                    er["error"] = msg
                    er["stderr_tail"] = res["stderr"][-2000:]
                    er["stdout_head"] = res["stdout"][:2000]
                if not warm or not ok:
                    er["runs"].append({
                        "wall": round(res["wall"], 6),
                        "cpu": round(res["cpu"], 6) if res["cpu"] is not None else None,
                        "maxrss_kb": res["maxrss_kb"],
                        "ok": ok,
                        "warmup": warm,
                    })
        # failed runs stay in the raw data but the stats only use successful ones;
        # an engine that failed once is reported as failed for the benchmark.
        results["benchmarks"].append(entry)


# ----------------------------------------------------------------------------- reporting

def write_reports(results, json_path, md_path, svg_path):
    for p in (json_path, md_path, svg_path):
        d = os.path.dirname(p)
        if d:
            os.makedirs(d, exist_ok=True)
    with open(json_path, "w") as f:
        json.dump(results, f, indent=1, sort_keys=False)
        f.write("\n")
    svg_rel = os.path.relpath(svg_path, os.path.dirname(md_path) or ".")
    with open(md_path, "w") as f:
        f.write(render_markdown(results, svg_rel))
    with open(svg_path, "w") as f:
        f.write(render_svg(results))


def print_table(results):
    engines = results["meta"]["engines"]
    hdr = ["benchmark"] + summary_header(engines)
    rows = summary_rows(results, engines, with_category=False)
    print("Median wall time (ratio to %s), %d run(s) each:" % (results["summary"]["baseline"], results["meta"]["runs"]))
    print(text_table(hdr, rows))


# ----------------------------------------------------------------------------- recording expectations

def record_expected(args, benches):
    """Regenerate the manifest's expected outputs from lua5.4 (and cross-check luajit)."""
    lua = resolve_exe(args.lua54)
    if not lua:
        log("error: --record-expected needs lua5.4")
        return 2
    jit = resolve_exe(args.luajit)
    with open(MANIFEST) as f:
        manifest = json.load(f)
    wanted = {b["name"] for b in benches}
    status = 0
    for b in manifest["benchmarks"]:
        if b["name"] not in wanted:
            continue
        for size_key, exp_key in (("size", "expected"), ("quick_size", "expected_quick")):
            size = str(b.get(size_key) or b["size"])
            res = run_once([lua, os.path.join(HERE, b["file"]), size], HERE, args.timeout, find_gnu_time())
            if res["rc"] != 0:
                log("%s: lua5.4 failed: %s" % (b["name"], res["stderr"].strip()))
                status = 1
                continue
            out = normalize_output(res["stdout"])
            b[exp_key] = out.split("\n")
            note = ""
            if jit and b.get("luajit", True):
                jr = run_once([jit, os.path.join(HERE, b["file"]), size], HERE, args.timeout)
                if jr["rc"] != 0 or normalize_output(jr["stdout"]) != out:
                    note = "  LUAJIT DIFFERS: " + (jr["stderr"].strip()[:100] or
                                                   first_difference(out, normalize_output(jr["stdout"])))
                    status = 1
            log("%-13s %-6s size %-10s lua5.4 %7.3f s  %d KB%s" % (
                b["name"], size_key.replace("_size", ""), size, res["wall"], res["maxrss_kb"], note))
    with open(MANIFEST, "w") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    return status


# ----------------------------------------------------------------------------- main

def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Run the LuaTrace benchmark suite against lua5.4 and luajit and write "
                    "benchmarks/results.json, docs/benchmarks.md and docs/benchmarks.svg.")
    ap.add_argument("--runs", type=int, default=None, help="timed runs per benchmark and engine (default 5; 1 with --quick)")
    ap.add_argument("--warmup", type=int, default=0, help="untimed warm-up rounds before the timed ones (default 0)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke test: 1 run at the small 'quick_size' sizes; reports go to benchmarks/out/ "
                         "unless --json/--md/--svg are given")
    ap.add_argument("--filter", default=None,
                    help="comma-separated benchmark names/substrings/categories (or regexes) to run")
    ap.add_argument("--engines", default=",".join(ENGINE_ORDER),
                    help="comma-separated engines to run, from: %s (default: all)" % ", ".join(ENGINE_ORDER))
    ap.add_argument("--luatrace", default=DEFAULT_LUATRACE, help="luatrace binary (default: .build/release/luatrace)")
    ap.add_argument("--lua54", default="lua5.4", help="lua5.4 executable (default: lua5.4 on PATH)")
    ap.add_argument("--luajit", default="luajit", help="luajit executable (default: luajit on PATH)")
    ap.add_argument("--baseline", default="lua5.4", help="engine the ratios are relative to (default lua5.4)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds before a run is killed (default 120)")
    ap.add_argument("--json", default=None, help="results JSON path (default benchmarks/results.json)")
    ap.add_argument("--md", default=None, help="Markdown report path (default docs/benchmarks.md)")
    ap.add_argument("--svg", default=None, help="SVG chart path (default docs/benchmarks.svg)")
    ap.add_argument("--report-only", action="store_true",
                    help="do not run anything: re-render the Markdown/SVG from the results JSON")
    ap.add_argument("--record-expected", action="store_true",
                    help="maintenance: rewrite the manifest's expected outputs from lua5.4 (cross-checked with luajit)")
    ap.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = ap.parse_args(argv)
    if args.runs is None:
        args.runs = 1 if args.quick else 5
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if args.warmup < 0:
        ap.error("--warmup must be >= 0")
    out_dir = os.path.join(HERE, "out") if args.quick else None
    args.json = args.json or (os.path.join(out_dir, "results-quick.json") if out_dir else os.path.join(HERE, "results.json"))
    args.md = args.md or (os.path.join(out_dir, "benchmarks-quick.md") if out_dir else os.path.join(REPO, "docs", "benchmarks.md"))
    args.svg = args.svg or (os.path.join(out_dir, "benchmarks-quick.svg") if out_dir else os.path.join(REPO, "docs", "benchmarks.svg"))
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        benches = select_benchmarks(load_manifest(), args.filter)
    except (OSError, ValueError) as exc:
        log("error: cannot read %s: %s" % (MANIFEST, exc))
        return 2
    if not benches:
        log("error: --filter %r matches no benchmark" % args.filter)
        return 2

    if args.list:
        for b in benches:
            print("%-13s %-9s size %-10s %s%s" % (b["name"], b.get("category", ""), b["size"],
                                                  b.get("description", ""), "" if b.get("luajit", True) else " [lua54-only]"))
        return 0

    if args.record_expected:
        return record_expected(args, benches)

    if args.report_only:
        with open(args.json) as f:
            results = json.load(f)
        results["meta"]["json_path"] = os.path.abspath(args.json)
        write_reports(results, args.json, args.md, args.svg)
        print_table(results)
        log("wrote %s and %s" % (args.md, args.svg))
        return 0

    wanted = [e.strip() for e in args.engines.split(",") if e.strip()]
    bad = [e for e in wanted if e not in ENGINE_ORDER]
    if bad:
        log("error: unknown engine(s) %s; choose from %s" % (", ".join(bad), ", ".join(ENGINE_ORDER)))
        return 2

    # Resolve executables.  luatrace is the point of the exercise: a missing binary is an error.
    engines, missing, info = [], [], {}
    if any(e.startswith("luatrace") for e in wanted):
        lt = resolve_exe(args.luatrace)
        if not lt:
            log("error: luatrace binary not found at %s\n"
                "       build it first:   swift build -c release\n"
                "       or point to one:  python3 benchmarks/run.py --luatrace PATH\n"
                "       (or leave it out: --engines lua5.4,luajit)" % args.luatrace)
            return 2
        args.luatrace = lt
    for name, attr in (("lua5.4", "lua54"), ("luajit", "luajit")):
        if name in wanted:
            p = resolve_exe(getattr(args, attr))
            if p:
                setattr(args, attr, p)
            else:
                log("note: %s not found (%s); it will not be measured" % (name, getattr(args, attr)))
                missing.append(name)
    engines = [e for e in ENGINE_ORDER if e in wanted and e not in missing]
    if not engines:
        log("error: no engine to run")
        return 2
    cmds = engine_commands(args)
    for e in engines:
        exe = cmds[e][0]
        info[e] = {"argv": cmds[e], "version": version_of([exe, "-v"])}
    baseline = args.baseline
    if baseline not in engines:
        fallback = next((e for e in ["lua5.4", "luatrace-joff", "luajit", "luatrace"] if e in engines), engines[0])
        log("note: baseline %s is not available; ratios are relative to %s instead" % (baseline, fallback))
        baseline = fallback

    global GNU_TIME
    GNU_TIME = find_gnu_time()
    if GNU_TIME:
        mem_method = "GNU time's `%%M` (`%s -f %%M`), the benchmark process's own max RSS" % GNU_TIME
    else:
        mem_method = ("the child's `ru_maxrss` from `wait4()` (GNU time not found, so this has the "
                      "runner's own ~20 MB RSS as a floor)")
        log("note: /usr/bin/time not found; peak memory will include the runner's RSS as a floor")

    swift = shutil.which("swift") or ("/opt/swift/usr/bin/swift" if os.path.exists("/opt/swift/usr/bin/swift") else None)
    swift_version = version_of([swift, "--version"]) if swift else None

    log("benchmarks: %d; engines: %s; %d run(s)%s each; baseline %s" % (
        len(benches), ", ".join(ENGINE_LABEL[e] for e in engines), args.runs,
        " + %d warm-up" % args.warmup if args.warmup else "", baseline))
    started = time.time()
    meta = {
        "generator": "benchmarks/run.py",
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "command": "python3 benchmarks/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "runs": args.runs,
        "warmup": args.warmup,
        "quick": args.quick,
        "timeout": args.timeout,
        "engines": engines,
        "engines_missing": missing,
        "engine_info": info,
        "baseline": baseline,
        "swift_version": swift_version,
        "memory_method": mem_method,
        "luatrace_source": source_info(args.luatrace) if any(e.startswith("luatrace") for e in engines) else {},
        "machine": machine_info(),
        "json_path": os.path.abspath(args.json),
    }
    meta["command"] = meta["command"].strip()
    results = run_suite(args, benches, engines, cmds)
    if not results["benchmarks"]:
        return 130
    meta["elapsed"] = time.time() - started
    try:
        meta["loadavg_end"] = list(os.getloadavg())
    except OSError:
        pass
    results["meta"] = meta
    results["summary"] = compute_summary(results, engines, baseline)
    write_reports(results, args.json, args.md, args.svg)
    print_table(results)
    log("wrote %s, %s, %s" % (os.path.relpath(args.json), os.path.relpath(args.md), os.path.relpath(args.svg)))
    failed = any(st["status"] not in ("ok", "skipped", "missing")
                 for per in results["summary"]["per_benchmark"].values() for st in per.values())
    if results.get("interrupted"):
        return 130
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
