#!/usr/bin/env python3
"""Differential JIT fuzzer: generates random Lua programs with hot loops (mixed integer/float
arithmetic, tables, metatables and methods, closures and upvalues, calls with several results,
branches, pcall) and checks that luatrace prints exactly what lua5.4 prints with the JIT off,
with every loop compiled at once (-Ohotloop=1) and with side branches recorded at once
(-Ohotloop=1 -Ohotexit=1).

Usage: scripts/jit-fuzz.py [--luatrace PATH] [--from N] [--count N]
Failing programs are written to /tmp/jit-fuzz-fail-<generator>-<seed>.lua.
"""
import argparse, random, subprocess, sys, tempfile, os

def gen_arith(seed):
    r = random.Random(seed)
    vars_ = ["a", "b", "c", "d"]
    lines = []
    lines.append("local t = {}")
    lines.append("for i = 1, 20 do t[i] = i * 3 - 7 end")
    lines.append("local h = {x = 1, y = 2.5, name = 'k'}")
    lines.append("local a, b, c, d = 1, 2.5, 3, -4")
    lines.append("local function f(x, y) if x > y then return x - y else return y * 2 end end")
    lines.append("local function g(x) return x % 7 + 1 end")
    lines.append("local acc = 0")
    def expr(depth=0):
        k = r.randint(0, 12 if depth < 2 else 5)
        if k == 0: return str(r.randint(-5, 9))
        if k == 1: return str(r.choice([0.5, 1.5, -2.25, 3.0]))
        if k <= 4: return r.choice(vars_)
        if k == 5: return "i"
        if k == 6: return "(%s %s %s)" % (expr(depth+1), r.choice(["+", "-", "*"]), expr(depth+1))
        if k == 7: return "t[g(i)]"
        if k == 8: return "f(%s, %s)" % (expr(depth+1), expr(depth+1))
        if k == 9: return "math.floor(%s)" % expr(depth+1)
        if k == 10: return "(%s // 3)" % expr(depth+1)
        if k == 11: return "h.x"
        return "(%s %% 5)" % expr(depth+1)
    def stmt(depth=0):
        k = r.randint(0, 9)
        v = r.choice(vars_)
        if k <= 2: return "%s = %s" % (v, expr())
        if k == 3: return "if %s < %s then %s = %s else %s = %s end" % (expr(), expr(), v, expr(), r.choice(vars_), expr())
        if k == 4: return "acc = acc + %s" % expr()
        if k == 5: return "t[g(i)] = %s" % expr()
        if k == 6: return "h.x = %s" % expr()
        if k == 7 and depth == 0: return "for j = 1, %d do %s end" % (r.randint(1, 4), stmt(1))
        if k == 8: return "if %s == %s then acc = acc + 1 end" % (expr(), expr())
        return "%s = %s" % (v, expr())
    n = r.randint(20, 300)
    body = "\n  ".join(stmt() for _ in range(r.randint(2, 7)))
    lines.append("for i = 1, %d do\n  %s\n  if acc > 1e12 or acc < -1e12 then acc = 0 end\n  if a ~= a then a = 0 end if b ~= b then b = 1 end if c ~= c then c = 2 end if d ~= d then d = 3 end\n  if a > 1e9 or a < -1e9 then a = 1 end if b > 1e9 or b < -1e9 then b = 1 end\n  if c > 1e9 or c < -1e9 then c = 1 end if d > 1e9 or d < -1e9 then d = 1 end\nend" % (n, body))
    lines.append("print(a, b, c, d, acc, h.x)")
    lines.append("local s = 0 for i = 1, 20 do s = s + (t[i] or 0) end print(s)")
    return "\n".join(lines) + "\n"

def gen_tables(seed):
    r = random.Random(seed)
    L = []
    L.append("local P = {} P.__index = P")
    L.append("function P.new(x) return setmetatable({x = x, n = 0}, P) end")
    L.append("function P:step(d) self.n = self.n + d; return self.x * d end")
    L.append("local objs = {} for i = 1, 8 do objs[i] = P.new(i) end")
    L.append("local t = {} for i = 1, 30 do t[i] = (i % 4 == 0) and i * 0.5 or i end")
    L.append("local keys = {'a','b','c'} local h = {a = 1, b = 2, c = 3}")
    L.append("local total, fl, cnt = 0, 0.0, 0")
    def e():
        k = r.randint(0, 9)
        return r.choice(["i", "cnt", "total % 97", "t[(i % 30) + 1]", "h[keys[(i % 3) + 1]]",
                         "objs[(i % 8) + 1]:step(1)", "#t", "(i // 3)", "math.max(i, cnt)", "(fl * 0.5)"])
    def s(depth):
        k = r.randint(0, 8)
        if k == 0: return "total = total + %s" % e()
        if k == 1: return "fl = fl + %s" % e()
        if k == 2: return "if %s > %s then cnt = cnt + 1 else cnt = cnt - 1 end" % (e(), e())
        if k == 3: return "h[keys[(i %% 3) + 1]] = %s" % e()
        if k == 4: return "t[(i %% 30) + 1] = %s" % e()
        if k == 5 and depth < 1: return "local j = 0 while j < (i %% 5) do j = j + 1; %s end" % s(depth+1)
        if k == 6: return "if i %% 17 == 0 then %s end" % s(depth+1) if depth < 2 else "cnt = cnt + 2"
        if k == 7: return "local ok = pcall(function() total = total + (%s) // (i %% 7 - 3) end)" % e()
        return "repeat cnt = cnt + 1 until cnt % 3 == 0"
    body = "\n  ".join(s(0) for _ in range(r.randint(2, 6)))
    L.append("for i = 1, %d do\n  %s\n  if total > 1e12 or total < -1e12 then total = 0 end\n  if fl > 1e12 or fl < -1e12 or fl ~= fl then fl = 0.0 end\n  if cnt > 1e9 or cnt < -1e9 then cnt = 0 end\n  if i == %d then break end\nend" % (r.randint(50, 400), body, r.randint(30, 500)))
    L.append("print(total, fl, cnt, h.a, h.b, h.c, #t)")
    L.append("local n = 0 for i = 1, 8 do n = n + objs[i].n end print(n)")
    return "\n".join(L) + "\n"

def gen_calls(seed):
    r = random.Random(seed)
    L = ["local up = 0", "local function bump(k) up = up + k; return up end",
         "local function two(a) return a, a * 2 end",
         "local function rec(n) if n <= 0 then return 0 end return n + rec(n - 1) end",
         "local s = 'hello world'", "local big = math.maxinteger - 50",
         "local acc, f, m = 0, 0.0, 1"]
    def e():
        return r.choice(["i", "up", "acc % 1000", "s:byte((i % #s) + 1)", "#s", "rec(i % 5)",
                         "(i * 1.5)", "(big + i)", "(i % 2 == 0 and 1 or -1)", "math.floor(i / 3)",
                         "(type(f) == 'number' and 1 or 0)", "(-i)", "(i ~ 5)", "(i << 2)", "(i >> 1)"])
    def s(d):
        k = r.randint(0, 8)
        if k == 0: return "acc = acc + %s" % e()
        if k == 1: return "f = f + %s" % e()
        if k == 2: return "bump(%s %% 7)" % e()
        if k == 3: return "local a, b = two(%s) acc = acc + b - a" % e()
        if k == 4: return "if %s < %s then m = m + 1 elseif %s == %s then m = m - 1 end" % (e(), e(), e(), e())
        if k == 5 and d < 1: return "for j = %d, 1, -1 do %s end" % (r.randint(1, 4), s(d + 1))
        if k == 6: return "if not (%s > 10) then acc = acc - 1 end" % e()
        if k == 7: return "local x = %s if x ~= x then x = 0 end f = f + x * 0.25" % e()
        return "m = (m * 3 + %s) %% 1000003" % e()
    body = "\n  ".join(s(0) for _ in range(r.randint(2, 6)))
    L.append("for i = 1, %d do\n  %s\n  if acc > 1e15 or acc < -1e15 then acc = 0 end\n  if f > 1e15 or f < -1e15 or f ~= f then f = 0.0 end\nend" % (r.randint(40, 300), body))
    L.append("print(acc, f, m, up)")
    return "\n".join(L) + "\n"


GENERATORS = [("arith", gen_arith), ("tables", gen_tables), ("calls", gen_calls)]
MODES = [["-joff"], ["-Ohotloop=1"], ["-Ohotloop=1", "-Ohotexit=1"]]


def run(cmd, path):
    try:
        p = subprocess.run(cmd + [path], capture_output=True, timeout=30)
        err = p.stderr.decode(errors="replace").split("\n")[0]
        for prefix in ("lua5.4: ", "luatrace: "):
            if err.startswith(prefix):
                err = err[len(prefix):]
        return p.stdout.decode(errors="replace"), p.returncode != 0, err if p.returncode else ""
    except subprocess.TimeoutExpired:
        return "", True, "timeout"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--luatrace", default=".build/release/luatrace")
    ap.add_argument("--from", dest="start", type=int, default=1)
    ap.add_argument("--count", type=int, default=100)
    a = ap.parse_args()
    fails = 0
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "p.lua")
        for seed in range(a.start, a.start + a.count):
            for name, gen in GENERATORS:
                src = gen(seed)
                with open(path, "w") as f:
                    f.write(src)
                want = run(["lua5.4"], path)
                for mode in MODES:
                    got = run([a.luatrace] + mode, path)
                    if got != want:
                        fails += 1
                        keep = "/tmp/jit-fuzz-fail-%s-%d.lua" % (name, seed)
                        with open(keep, "w") as f:
                            f.write(src)
                        print("DIFF %s seed %d %s -> %s" % (name, seed, " ".join(mode), keep))
                        break
    total = a.count * len(GENERATORS)
    print("%d programs, %d differing" % (total, fails))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
