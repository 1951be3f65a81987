"""Mutation check: does the test suite catch deliberate bugs in the model?

Run by hand (a few minutes; the pipeline mutations run tests/test_pipeline.py)::

    python bench/mutations.py                     # the working tree
    python bench/mutations.py --ref edbbc05       # a commit (git archive)
    python bench/mutations.py --only vse_sign_flipped alienation_weight_zero
    python bench/mutations.py --list

The repository (the working tree's tracked and untracked, not ignored, files;
or ``git archive REF``) is copied into a temporary directory, never touched in
place. The copy first runs every selected test file unmutated: a test that
already fails there is reported and deselected, so that "caught" means "a test
that passed now fails". Then, for each mutation, one snippet of one file of
the copy is replaced, the mutation's test files run there (``pytest -x``,
``PYTHONPATH`` and the working directory set to the copy, no bytecode cache),
and the file is restored. A mutation is

- ``caught`` when a test fails,
- ``SURVIVED`` when every test passes,
- ``n/a`` when none of its snippets is in the code (the code has moved on:
  update the snippet).

It prints one line per mutation and asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

FAST = ("tests/test_model.py", "tests/test_metrics.py", "tests/test_identity.py", "tests/test_batch.py")
RUN_RECORDS = ("tests/test_run_records.py", "tests/test_pipeline.py")


@dataclass(frozen=True)
class Mutation:
    """Apply the first edit ``(path, old, new)`` whose ``old`` is in ``path``; run ``tests``."""

    name: str
    edits: tuple[tuple[str, str, str], ...]
    tests: tuple[str, ...] = FAST


#: the model moved from model.py to the package model/ (electorate.py: constants, kernel; election.py)
MODEL_FILES = ("electoral_sim/model.py", "electoral_sim/model/electorate.py", "electoral_sim/model/election.py")


def in_model(old: str, new: str) -> tuple[tuple[str, str, str], ...]:
    return tuple((path, old, new) for path in MODEL_FILES)


def _config_id_ignores(param: str) -> Mutation:
    return Mutation(
        f"config_id_ignores_{param}",
        (("electoral_sim/sweep.py", 'payload = {"params": canonical}',
          f'payload = {{"params": {{k: v for k, v in canonical.items() if k != "{param}"}}}}'),),
        (*FAST, "tests/test_pipeline.py"))


SUMMARY_FILES = ("electoral_sim/sweep.py", "electoral_sim/runs.py")

MUTATIONS = (
    # -- the list --------------------------------------------------------
    _config_id_ignores("allocation_method"),
    _config_id_ignores("national_mood"),
    Mutation("merge_skips_seed_check",
             (("electoral_sim/pipeline.py",
               'or table.column("seed").to_pylist() != _expected_seeds(base_seed, first, last)', "or False"),
              ("electoral_sim/pipeline.py", 'if record["seed"] != seed:', "if False:")), RUN_RECORDS),
    Mutation("vse_sign_flipped", in_model("mean_utility = 2.0 * pos @ self._mean_position + const",
                                          "mean_utility = -(2.0 * pos @ self._mean_position + const)")),
    Mutation("alienation_weight_zero", in_model("ALIENATION_WEIGHT = 0.3", "ALIENATION_WEIGHT = 0.0")),
    Mutation("summary_mean_without_skipna",
             tuple((path, "groups[m].mean()", "groups[m].mean(skipna=False)") for path in SUMMARY_FILES),
             (*FAST, "tests/test_plotting.py")),
    Mutation("hare_droop_float_remainders",
             (("electoral_sim/systems/proportional.py", "remainder = [x % den for x in numer]",
               "remainder = [(float(v) / (float(total) / n_seats) if method == 'hare' else float(x) / float(den)) % 1.0"
               " for v, x in zip(valid, numer)]"),),
             ("tests/test_systems.py", "tests/test_proportional.py", "tests/test_mixed.py")),
    # -- our own: effect sizes, not only directions ------------------------------
    Mutation("temperature_ignored", in_model("t = self.temperature\n", "t = 0.5\n")),
    Mutation("temperature_square_root", in_model("t = self.temperature\n", "t = self.temperature ** 0.5\n")),
    Mutation("growth_weight_8_not_10", in_model("GROWTH_WEIGHT = 10.0", "GROWTH_WEIGHT = 8.0")),
    Mutation("national_mood_halved", in_model("- self.anti_incumbency + self.national_mood",
                                              "- self.anti_incumbency + 0.5 * self.national_mood")),
    Mutation("anti_incumbency_halved", in_model("- self.anti_incumbency + self.national_mood",
                                                "- 0.5 * self.anti_incumbency + self.national_mood")),
    Mutation("indifference_weight_zero", in_model("INDIFFERENCE_WEIGHT = 0.3", "INDIFFERENCE_WEIGHT = 0.0")),
    Mutation("base_turnout_0.85", in_model("BASE_TURNOUT = 0.9", "BASE_TURNOUT = 0.85")),
    Mutation("voter_spread_0.45", in_model("VOTER_SPREAD = 0.5", "VOTER_SPREAD = 0.45")),
    Mutation("valence_ignored", in_model("return pos, valence + incumbent * swing",
                                         "return pos, 0 * valence + incumbent * swing")),
    Mutation("gallagher_without_half", (("electoral_sim/metrics.py", "np.sqrt(0.5 * np.sum((v - s) ** 2))",
                                         "np.sqrt(np.sum((v - s) ** 2))"),)),
    Mutation("summary_std_ddof_0",
             tuple((path, "groups[m].std(ddof=1)", "groups[m].std(ddof=0)") for path in SUMMARY_FILES)),
    Mutation("ci95_counts_nan_runs",
             (("electoral_sim/runs.py", "std, valid = groups[m].std(ddof=1), groups[m].count()",
               "std, valid = groups[m].std(ddof=1), groups[m].size()"),
              ("electoral_sim/sweep.py", "ci95_half_width(std, valid)", "ci95_half_width(std, n)"))),
    Mutation("paired_difference_sign_flipped",
             (("electoral_sim/plotting.py", 'pairs[m] = pairs[m] - pairs[f"{m}__ref"]',
               'pairs[m] = pairs[f"{m}__ref"] - pairs[m]'),), ("tests/test_plotting.py",)),
    Mutation("fingerprint_skips_last_module",
             (("electoral_sim/pipeline.py", "for name in modules:", "for name in modules[:-1]:"),), RUN_RECORDS),
)


# -- the copy ------------------------------------------------------------------
def copy_worktree(dest: Path) -> None:
    """Copy the working tree's tracked and untracked, not ignored, files (symlinks kept)."""
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         cwd=REPO, capture_output=True, check=True).stdout.decode()
    for name in sorted(set(filter(None, out.split("\0")))):
        src, dst = REPO / name, dest / name
        if not os.path.lexists(src):
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst)


def copy_ref(ref: str, dest: Path) -> None:
    """Extract ``git archive REF`` into ``dest``."""
    archive = subprocess.run(["git", "archive", ref], cwd=REPO, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)


def prepare(dest: Path, ref: str | None) -> None:
    (copy_ref(ref, dest) if ref else copy_worktree(dest))
    # tests/test_pipeline.py lists the repository's files with git: an empty repo lists them as untracked
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    found = subprocess.run([sys.executable, "-c", "import electoral_sim; print(electoral_sim.__file__)"],
                           cwd=dest, env=_env(dest), capture_output=True, text=True, check=True).stdout.strip()
    if not Path(found).resolve().is_relative_to(dest.resolve()):
        sys.exit(f"the copy imports electoral_sim from {found}, not from {dest}")


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(root), PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    env.pop("HYPOTHESIS_PROFILE", None)  # the suite's default (deterministic) profile
    return env


def pytest(root: Path, tests: list[str], deselect: list[str], xml: Path | None = None,
           stop_first: bool = True) -> tuple[int, str]:
    """Run pytest in the copy; return (exit code, the last summary lines)."""
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-header", "-rf", *tests]
    cmd += [f"--deselect={d}" for d in deselect] + (["-x"] if stop_first else [])
    if xml is not None:
        cmd.append(f"--junitxml={xml}")
    proc = subprocess.run(cmd, cwd=root, env=_env(root), capture_output=True, text=True)
    failed = [line for line in proc.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    tail = proc.stdout.strip().splitlines()[-1:] if proc.stdout.strip() else [proc.stderr.strip()[-300:]]
    return proc.returncode, (failed[0] if failed else tail[0] if tail else "")


def failing_tests(xml: Path) -> list[str]:
    """Node ids of the failed or errored tests in a JUnit XML report."""
    out = []
    for case in ET.parse(xml).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            path = case.get("classname", "").replace(".", "/") + ".py"
            out.append(f"{path}::{case.get('name')}")
    return out


def mutate(root: Path, mutation: Mutation) -> tuple[Path, str] | None:
    """Apply the first edit that fits; return (file, its original text), or None."""
    for name, old, new in mutation.edits:
        path = root / name
        text = path.read_text() if path.is_file() else ""
        if old in text:
            path.write_text(text.replace(old, new, 1))
            return path, text
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", help="test this git commit (git archive) instead of the working tree")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these mutations")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    args = parser.parse_args(argv)
    names = [m.name for m in MUTATIONS]
    if args.list:
        print("\n".join(f"{m.name:36s} {' or '.join(sorted({e[0] for e in m.edits})) or '(to be written)'}"
                         for m in MUTATIONS))
        return
    unknown = set(args.only or ()) - set(names)
    if unknown:
        sys.exit(f"unknown mutation(s) {sorted(unknown)}; see --list")
    chosen = [m for m in MUTATIONS if not args.only or m.name in args.only]

    tmp = Path(tempfile.mkdtemp(prefix="esim-mutations-"))
    root = tmp / "repo"
    root.mkdir()
    try:
        prepare(root, args.ref)
        source = f"git archive {args.ref}" if args.ref else f"working tree of {REPO}"
        print(f"# mutation check of {source}, copy in {root}")
        every = sorted({t for m in chosen for t in m.tests if (root / t).exists()})
        start = time.monotonic()
        code, _ = pytest(root, every, [], tmp / "clean.xml", stop_first=False)
        broken = failing_tests(tmp / "clean.xml") if (tmp / "clean.xml").exists() else []
        print(f"# unmutated: pytest exit {code} over {len(every)} files in {time.monotonic() - start:.0f} s; "
              f"{len(broken)} failing test(s) deselected below")
        for node in broken:
            print(f"#   already failing: {node}")
        print(f"{'mutation':36s} {'result':9s} evidence")
        tally = {"caught": 0, "SURVIVED": 0, "n/a": 0}
        for m in chosen:
            tests = [t for t in m.tests if (root / t).exists()]
            applied = mutate(root, m)
            if applied is None or not tests:
                result, evidence = "n/a", "no test file" if applied else "snippet not found"
            else:
                try:
                    code, evidence = pytest(root, tests, broken)
                finally:
                    applied[0].write_text(applied[1])
                result = {0: "SURVIVED", 1: "caught"}.get(code, "caught" if code == 2 else "n/a")
                where = applied[0].relative_to(root)
                if code not in (0, 1):
                    evidence = f"pytest exit {code}: {evidence}"
                evidence = f"[{where}] " + (f"passed: {' '.join(tests)}" if code == 0 else evidence)
            tally[result] += 1
            print(f"{m.name:36s} {result:9s} {evidence}", flush=True)
        print(f"# caught {tally['caught']}, survived {tally['SURVIVED']}, not applicable {tally['n/a']} "
              f"(of {len(chosen)}); re-run one with: python bench/mutations.py "
              f"{'--ref ' + args.ref + ' ' if args.ref else ''}--only NAME")
    finally:
        if args.keep:
            print(f"# kept {root}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
