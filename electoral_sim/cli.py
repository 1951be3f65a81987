"""The ``electoral-sim`` command line: ``run`` one election, ``batch`` a sweep.

Heavy modules (numpy, pandas) are imported inside the commands so that
``electoral-sim --help`` stays fast.
"""
from __future__ import annotations

import argparse
import sys


#: electoral systems, listed here so that ``--help`` need not import numpy (a test keeps them in step)
_SYSTEMS = ("FPTP", "TRS", "IRV", "STV", "PR", "MMP", "PARALLEL", "BORDA", "SCHULZE", "RANKED_PAIRS", "COPELAND",
            "MINIMAX", "APPROVAL", "SCORE", "STAR", "SNTV")


class UsageError(Exception):
    """A problem with the user's input, reported as one line on stderr."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like our other errors
        self.exit(2, f"{self.prog}: error: {message}\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="electoral-sim", description="Agent-based election simulation.")
    from electoral_sim import __version__

    parser.add_argument("--version", action="version", version=f"electoral-sim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="simulate one election and print the result",
                         formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    run.add_argument("--voters", type=int, default=100_000, help="eligible voters")
    run.add_argument("--constituencies", type=int, default=10, help="constituencies")
    run.add_argument("--system", default="FPTP", help=f"electoral system: {', '.join(_SYSTEMS)} (case-insensitive)")
    run.add_argument("--magnitude", type=int, default=1,
                     help="seats per constituency (district magnitude): STV, SNTV, PR")
    run.add_argument("--pr-tier", default="national", help="PR count: national or constituency")
    run.add_argument("--allocation", default="dhondt",
                     help="dhondt, sainte_lague, hare, droop (PR and list tiers)")
    run.add_argument("--threshold", type=float, default=0.0, help="legal threshold in [0, 1) (PR and list tiers)")
    run.add_argument("--list-seats", type=int, default=None,
                     help="list-tier seats of MMP and PARALLEL (None: as many as constituencies)")
    run.add_argument("--overhang", default="keep", help="MMP overhang seats: keep or level")
    run.add_argument("--waiver-seats", type=int, default=1,
                     help="MMP: constituencies a party must win to enter the list tier below the threshold")
    run.add_argument("--temperature", type=float, default=0.5, help="logit temperature in [1e-6, 1e6]")
    run.add_argument("--economic-growth", type=float, default=0.0, help="growth rate, e.g. 0.02")
    run.add_argument("--anti-incumbency", type=float, default=0.0, help="incumbent penalty >= 0")
    run.add_argument("--national-mood", type=float, default=0.0, help="swing to the incumbent")
    run.add_argument("--seed", type=int, default=None, help="random seed (None: drawn from entropy and recorded)")
    run.add_argument("--output", help="also write the parameters, seed and result as JSON to this file")
    run.set_defaults(func=_cmd_run)

    batch = sub.add_parser("batch", help="run a parameter sweep from a JSON/YAML study file")
    batch.add_argument("--config", required=True, help="study file (.json, .yaml, .yml)")
    batch.add_argument("--output", required=True, help="results file (.csv, .parquet, .json)")
    batch.add_argument("--summary", help="summary file (.csv, .parquet, .json)")
    batch.add_argument("--parties", help="per-party file, one row per (run, party) (.csv, .parquet, .json)")
    batch.add_argument("--sensitivity", help="sensitivity indices file, sobol and morris studies (.csv, .parquet, "
                       ".json); second-order indices go to <name>_second_order<suffix> beside it")
    batch.add_argument("--jobs", type=int, help="parallel workers (overrides the file's n_jobs)")
    batch.add_argument("--seed", type=int, help="base seed (overrides the file's seed)")
    batch.add_argument("--quiet", action="store_true", help="no progress bar, no list of the files written")
    batch.set_defaults(func=_cmd_batch)
    return parser


def _format_table(result: dict) -> str:
    rows = [("party", "votes", "vote %", "seats", "seat %")]
    for name, v, vs, s, ss in zip(
        result["party_names"], result["vote_counts"], result["vote_shares"], result["seats"], result["seat_shares"]
    ):
        rows.append((name, f"{v:,}", f"{100 * vs:.1f}", str(s), f"{100 * ss:.1f}"))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    for key in ("turnout", "gallagher", "enp_votes", "enp_seats", "vse", "incumbent_vote_share", "incumbent_seat_share",
                "condorcet_efficiency", "threshold_waived"):
        lines.append(f"{key:<22}{result[key]:.4f}")
    lines.append(f"{'n_seats':<22}{result['n_seats']}")
    lines.append(f"{'winner':<22}{result['winner']}")
    return "\n".join(lines)


def _cmd_run(args: argparse.Namespace) -> None:
    from electoral_sim.io import check_writable, write_json
    from electoral_sim.model import ElectionModel

    params = dict(
        n_voters=args.voters,
        n_constituencies=args.constituencies,
        electoral_system=args.system,
        allocation_method=args.allocation,
        threshold=args.threshold,
        temperature=args.temperature,
        economic_growth=args.economic_growth,
        anti_incumbency=args.anti_incumbency,
        national_mood=args.national_mood,
        district_magnitude=args.magnitude,
        pr_tier=args.pr_tier,
        list_seats=args.list_seats,
        overhang=args.overhang,
        waiver_seats=args.waiver_seats,
    )
    params = ElectionModel.canonical_params(**params)  # every parameter, checked before any output
    if args.output:
        check_writable(args.output)  # before simulating
    model = ElectionModel(**params, seed=args.seed)
    result = model.run_election()
    print(_format_table(result))
    if args.output:
        record = {"parameters": params, "seed": model.seed, "result": result}
        write_json(args.output, record)
        print(f"\nwrote {args.output}")


def _cmd_batch(args: argparse.Namespace) -> None:
    from electoral_sim.study import run_study_file

    if args.jobs is not None and args.jobs < 1 and args.jobs != -1:
        raise UsageError(f"--jobs must be an integer >= 1, or -1 for every core, got {args.jobs} "
                         "(it overrides the study's n_jobs)")
    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed must be an integer >= 0, got {args.seed} (it overrides the study's seed)")
    written = run_study_file(args.config, args.output, summary=args.summary, n_jobs=args.jobs,
                             seed=args.seed, verbose=not args.quiet, parties=args.parties,
                             sensitivity=args.sensitivity)
    for path, what in written if not args.quiet else ():  # stderr, like the progress bar
        print(f"wrote {path} ({what})", file=sys.stderr)


def _describe(exc: BaseException) -> str:
    """One line for an error: OSError without its ``[Errno N]`` prefix."""
    if isinstance(exc, MemoryError):
        return f"out of memory ({exc or 'no details'}): simulate fewer voters, or use fewer --jobs"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return " ".join(str(exc).split())


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``electoral-sim`` console script."""
    args = _build_parser().parse_args(argv)
    try:
        args.func(args)
    except (UsageError, ValueError, OSError, MemoryError) as exc:
        print(f"electoral-sim {args.command}: error: {_describe(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"electoral-sim {args.command}: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
