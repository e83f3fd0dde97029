#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Summarise the proof units of a WP run (called by proofs/wp.sh).

    summary.py MODE SECS UNIT=FILE[,FILE...]... -- UNIT=FILE[,FILE...]...

The units before "--" are the ones just run (their Frama-C output is in
build/proofs/<unit>/); the ones after are every unit of proofs/files.list.

Prints one line per unit run, then any failure, and last the line
"proofs: N goals, P proved, U unproved" summed over the units run.  Exits
non-zero when any goal is unproved, a unit failed to parse, has no cache
(replay), or the report plug-in classified an error.

In update mode it stores each unit's results in proofs/session/<unit>/
(unit.json, status.csv) and regenerates proofs/REPORT.md, proofs/report.json
and proofs/status.csv from the stored results of every unit, so updating one
unit keeps the others' rows.
"""
import csv
import glob
import json
import os
import re
import sys

# This run's Frama-C output, and where wp.sh moves it once the summary is done
# (the paths the messages name).
RUN_DIR = os.environ.get("WP_RUN_DIR", "build/proofs")
LOG_DIR = os.environ.get("WP_LOG_DIR", RUN_DIR)
UNPROVED_RE = re.compile(r"\[wp\] \[(?:Failed|Timeout|Unknown)\] Goal (\S+)")


def parse_specs(args):
    units = []
    for a in args:
        name, files = a.split("=", 1)
        units.append((name, files.split(",")))
    return units


def load_json(path, default):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def short_prover(key):
    """"Z3:4.8.12" -> "Z3", "qed" -> "Qed"."""
    return "Qed" if key == "qed" else key.split(":")[0]


def unit_result(name, files, mode):
    """Read build/proofs/<unit>/ after a run: the unit's record."""
    uo = os.path.join(RUN_DIR, name)
    shown = os.path.join(LOG_DIR, name)
    rec = {"unit": name, "files": files, "goals": 0, "proved": 0, "unproved": 0,
           "secs": 0.0, "provers": {}, "functions": [], "lemmas": [],
           "unproved_goals": [], "untried": [], "problems": []}
    run = ""
    if os.path.exists(os.path.join(uo, "run.txt")):
        run = open(os.path.join(uo, "run.txt")).read().split()
    if not run:
        rec["problems"].append("did not run (see %s)" % shown)
        return rec, None
    if run[0] == "missing":
        rec["problems"].append("missing unit cache proofs/cache/%s/ (run `proofs/wp.sh update %s`)"
                               % (name, name))
        return rec, None
    rc, rec["secs"] = int(run[0]), float(run[1])
    log_path = os.path.join(uo, "wp-%s.log" % mode)
    log = open(log_path, errors="replace").read() if os.path.exists(log_path) else ""
    log_path = os.path.join(shown, "wp-%s.log" % mode)
    stats = load_json(os.path.join(uo, "wp-stats.json"), {})
    main = stats.get("wp:global", {}).get("wp:main", {})
    rec["goals"] = int(main.get("total", 0))
    rec["proved"] = int(main.get("valid", 0))
    rec["unproved"] = rec["goals"] - rec["proved"]
    if "User Error" in log or "Frama-C aborted" in log:
        rec["problems"].append("frama-c reported an error (see %s)" % log_path)
    if rc != 0:
        rec["problems"].append("frama-c exited with status %d (see %s)" % (rc, log_path))
    if rec["goals"] == 0:
        rec["problems"].append("no goal was generated")
    rec["unproved_goals"] = UNPROVED_RE.findall(log)
    if rec["unproved"] and not rec["unproved_goals"]:
        rec["unproved_goals"] = ["(%d goals: see %s)" % (rec["unproved"], log_path)]
    for key, val in sorted(stats.get("wp:global", {}).items()):
        if key != "wp:main" and val.get("valid"):
            rec["provers"][key] = int(val["valid"])

    # function -> file, from the unit's CSV status report
    func_file = {}
    csv_path = os.path.join(uo, "status.csv")
    if os.path.exists(csv_path):
        with open(csv_path, newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                fn = row.get("function", "")
                if fn and fn not in func_file:
                    d = row.get("directory", "")
                    func_file[fn] = os.path.normpath(os.path.join(d, row.get("file", "")))
    for fn, goals in sorted(stats.get("wp:functions", {}).items()):
        sec = goals.get("wp:section", {})
        entry = {"function": fn, "file": func_file.get(fn, "?"),
                 "goals": int(sec.get("wp:main", {}).get("total", 0)),
                 "proved": int(sec.get("wp:main", {}).get("valid", 0)),
                 "by": {}, "time": 0.0}
        for key, val in sec.items():
            if key == "wp:main":
                continue
            if val.get("valid"):
                entry["by"][key] = int(val["valid"])
            entry["time"] += float(val.get("time", 0.0))
        entry["time"] = round(entry["time"], 3)
        rec["functions"].append(entry)
    for key, val in stats.items():
        if key in ("wp:global", "wp:functions") or not isinstance(val, dict):
            continue
        for lname, g in val.items():
            if isinstance(g, dict) and "wp:main" in g:
                m = g["wp:main"]
                rec["lemmas"].append({
                    "name": lname, "goals": int(m.get("total", 0)),
                    "proved": int(m.get("valid", 0)),
                    "by": sorted(k for k, v in g.items() if k != "wp:main" and v.get("valid"))})
    rec["lemmas"].sort(key=lambda x: x["name"])
    errors = 0
    for e in load_json(os.path.join(uo, "classify.json"), []):
        if e.get("classid") == "unclassified.untried":
            rec["untried"].append({"title": e.get("title"), "file": e.get("file"),
                                   "line": e.get("line")})
        elif e.get("action") == "ERROR":
            errors += 1
    if errors:
        rec["problems"].append("the report plug-in classified %d properties as errors "
                               "(not valid; see %s/classify.json)" % (errors, shown))
    return rec, csv_path


def store(rec, csv_path):
    sdir = os.path.join("proofs/session", rec["unit"])
    os.makedirs(sdir, exist_ok=True)
    rec = dict(rec, timeout=int(os.environ.get("WP_TIMEOUT", "20")))
    with open(os.path.join(sdir, "unit.json"), "w") as f:
        json.dump(rec, f, indent=1, sort_keys=True)
        f.write("\n")
    dst = os.path.join(sdir, "status.csv")
    if csv_path and os.path.exists(csv_path):
        with open(csv_path) as s, open(dst, "w") as d:
            d.write(s.read())
    elif os.path.exists(dst):
        os.remove(dst)


def fmt_provers(p):
    return ", ".join("%s %d" % (short_prover(k), v)
                     for k, v in sorted(p.items(), key=lambda kv: short_prover(kv[0])))


def write_reports(all_units):
    recs = []
    for name, files in all_units:
        rec = load_json(os.path.join("proofs/session", name, "unit.json"), None)
        if rec is None or rec.get("files") != files:
            rec = {"unit": name, "files": files, "goals": 0, "proved": 0, "unproved": 0,
                   "secs": 0.0, "provers": {}, "functions": [], "lemmas": [],
                   "unproved_goals": [], "untried": [],
                   "problems": ["no recorded update for these files: run "
                                "`proofs/wp.sh update %s`" % name]}
        recs.append(rec)
    total = sum(r["goals"] for r in recs)
    proved = sum(r["proved"] for r in recs)
    unproved = sum(r["unproved"] for r in recs)
    glob_p = {}
    for r in recs:
        for k, v in r["provers"].items():
            glob_p[k] = glob_p.get(k, 0) + v
    provers = sorted(glob_p)
    cpp_args = os.environ.get("WP_CPP_ARGS", "-Isrc/include")

    out = []
    out.append("# Proof report\n")
    out.append("Generated by `proofs/wp.sh update` (do not edit by hand). "
               "Auditors: see docs/AUDIT.md.\n")
    out.append("**Result: %d goals, %d proved, %d unproved** over %d proof units "
               "(one Frama-C run per unit, each with its own cache).\n"
               % (total, proved, unproved, len(recs)))
    out.append("Replay, offline from the committed caches (no prover runs):\n")
    out.append("```\nproofs/wp.sh replay            # or: make proofs-replay\n"
               "proofs/wp.sh replay <unit>     # one unit\n"
               "WP_TIMEOUT=60 proofs/wp.sh update <unit>   # re-prove what changed in one unit\n```\n")
    out.append("Frama-C options, per unit: `-c11 -wp -wp-rte -wp-init-const -wp-prover "
               "tip,z3,cvc5,cvc4`, preprocessed as the build compiles (`-cpp-extra-args=%s`), "
               "gated by `-report-classify -report-unclassified-unknown ERROR` and by every "
               "WP goal being proved.\n" % cpp_args)
    out.append("## Per unit\n")
    out.append("Goals are counted per unit: a lemma of a shared spec file is proved again "
               "(and counted) in every unit that reads it.  Time: the unit's last "
               "`update` run (wall clock, cached goals take no prover time), with its "
               "per-prover timeout.\n")
    out.append("| unit | files | goals | proved | unproved | update time | timeout | provers (goals proved) |")
    out.append("|---|---|---|---|---|---|---|---|")
    for r in recs:
        out.append("| %s | %s | %d | %d | %d | %.0f s | %s | %s |" % (
            r["unit"], ", ".join("`%s`" % f for f in r["files"]), r["goals"], r["proved"],
            r["unproved"], r["secs"], ("%s s" % r["timeout"]) if "timeout" in r else "-",
            fmt_provers(r["provers"]) or "-"))
    out.append("| **total** | | **%d** | **%d** | **%d** | | | %s |" % (
        total, proved, unproved, fmt_provers(glob_p)))
    out.append("")
    problems = [(r["unit"], p) for r in recs for p in r["problems"]]
    if problems:
        out.append("Problems:\n")
        for u, p in problems:
            out.append("- %s: %s" % (u, p))
        out.append("")
    out.append("## Per function\n")
    out.append("| unit | file | function | goals | proved | " + " | ".join(provers) + " |")
    out.append("|---|---|---|---|---|" + "---|" * len(provers))
    for r in recs:
        for e in sorted(r["functions"], key=lambda e: (e["file"], e["function"])):
            out.append("| %s | %s | %s | %d | %d | %s |" % (
                r["unit"], e["file"], e["function"], e["goals"], e["proved"],
                " | ".join(str(e["by"].get(p, "")) for p in provers)))
    out.append("")
    out.append("## Unproved goals\n")
    bad = [(r["unit"], g) for r in recs for g in r["unproved_goals"]]
    if bad:
        for u, g in bad:
            out.append("- %s: `%s`" % (u, g))
    else:
        out.append("None.")
    out.append("")
    out.append("## Lemmas (proved, not admitted)\n")
    lemmas = {}
    for r in recs:
        for l in r["lemmas"]:
            e = lemmas.setdefault(l["name"], [])
            e.append("%s %d/%d by %s" % (r["unit"], l["proved"], l["goals"],
                                        ", ".join(l["by"]) or "-"))
    if lemmas:
        for name in sorted(lemmas):
            out.append("- `%s`: %s" % (name, "; ".join(lemmas[name])))
    else:
        out.append("(see the per-function table)")
    out.append("")
    out.append("## Admitted facts (axioms)\n")
    axioms = []
    files = [f for r in recs for f in r["files"]]
    for path in sorted(set(glob.glob("spec/**/*.acsl", recursive=True) +
                           glob.glob("src/include/**/*.h", recursive=True) + files)):
        for n, line in enumerate(open(path, errors="replace"), 1):
            if re.search(r"\baxiom\b", line) and not re.search(r"\baxiomatic\b", line):
                axioms.append("%s:%d: %s" % (path, n, line.strip()))
    if axioms:
        for a in axioms:
            out.append("- " + a)
    else:
        out.append("None: no `axiom` appears in spec/, src/include/ or the proved files.")
    out.append("")
    out.append("## Assumed here, proved or checked elsewhere (untried properties)\n")
    out.append("Preconditions of the proved functions are obligations of their callers, "
               "which are not all under proof (and are never proved across units: each "
               "unit sees the other modules only through their contracts); contracts of "
               "functions only declared in the headers a unit includes (the HAL, other "
               "modules) are assumed.  Frama-C reports them as untried:\n")
    untried = {}
    for r in recs:
        for e in r["untried"]:
            key = (e["file"] or "", e["line"] or 0, e["title"] or "")
            untried.setdefault(key, []).append(r["unit"])
    if untried:
        for (f, l, t), us in sorted(untried.items()):
            out.append("- `%s` (%s:%s; %s)" % (t, f, l, ", ".join(us)))
    else:
        out.append("None.")
    out.append("")
    out.append("## Trusted contracts\n")
    out.append("The contracts of the `hal_*` functions in src/include/hal/hal.h are assumed, "
               "not proved (their code is the HAL, outside the proof); docs/AUDIT.md lists "
               "them and how the simulator checks them.\n")
    with open("proofs/REPORT.md", "w") as f:
        f.write("\n".join(out))

    functions = [dict(e, unit=r["unit"]) for r in recs for e in r["functions"]]
    with open("proofs/report.json", "w") as f:
        json.dump({"total": total, "proved": proved, "unproved": unproved,
                   "units": [{k: r.get(k) for k in ("unit", "files", "goals", "proved",
                                                    "unproved", "secs", "timeout",
                                                    "provers", "unproved_goals",
                                                    "problems")} for r in recs],
                   "functions": functions, "global": glob_p}, f,
                  indent=1, sort_keys=True)
        f.write("\n")
    header = None
    rows = []
    for r in recs:
        p = os.path.join("proofs/session", r["unit"], "status.csv")
        if not os.path.exists(p):
            continue
        with open(p, newline="") as f:
            rd = csv.reader(f, delimiter="\t")
            h = next(rd, None)
            if h is None:
                continue
            header = header or ["unit"] + h
            rows.extend([r["unit"]] + row for row in rd)
    with open("proofs/status.csv", "w", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        if header:
            w.writerow(header)
        w.writerows(rows)


def main():
    mode, secs = sys.argv[1], sys.argv[2]
    rest = sys.argv[3:]
    sep = rest.index("--")
    run_units = parse_specs(rest[:sep])
    all_units = parse_specs(rest[sep + 1:])

    recs = []
    for name, files in run_units:
        rec, csv_path = unit_result(name, files, mode)
        recs.append(rec)
        if mode == "update":
            store(rec, csv_path)
    if mode == "update":
        write_reports(all_units)

    width = max([len(r["unit"]) for r in recs] + [4])
    for r in recs:
        state = "ok" if not r["problems"] and not r["unproved"] else "FAIL"
        print("proofs: %-*s %5d goals, %5d proved, %4d unproved  %7.1fs  %s" % (
            width, r["unit"], r["goals"], r["proved"], r["unproved"], r["secs"], state))
    ok = True
    for r in recs:
        for p in r["problems"]:
            print("proofs: FAIL: %s: %s" % (r["unit"], p))
            ok = False
        for g in r["unproved_goals"][:40]:
            print("proofs: unproved goal %s: %s" % (r["unit"], g))
        if len(r["unproved_goals"]) > 40:
            print("proofs: ... and %d more unproved goals in %s (see %s/%s/)"
                  % (len(r["unproved_goals"]) - 40, r["unit"], LOG_DIR, r["unit"]))
        if r["unproved"]:
            ok = False
    total = sum(r["goals"] for r in recs)
    proved = sum(r["proved"] for r in recs)
    print("proofs: %s of %d units took %ss wall clock" % (mode, len(recs), secs))
    print("proofs: %d goals, %d proved, %d unproved" % (total, proved, total - proved))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
