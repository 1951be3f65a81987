"""Sensitivity indices of a sobol/morris study: tables and a figure."""
import sys

sys.stderr = open(snakemake.log[0], "w")

from electoral_sim.pipeline import exit_with_parent

exit_with_parent()  # no orphan after kill -9 of Snakemake

import pandas as pd

from electoral_sim.io import write_table
from electoral_sim.sensitivity import analyze, plot_sensitivity
from electoral_sim.study import study_from_dict

study = study_from_dict(snakemake.params.study, "config")
tables = analyze(study.sweep, pd.read_parquet(snakemake.input[0]), study.seed)
write_table(tables["indices"], snakemake.output.parquet)
write_table(tables["indices"], snakemake.output.csv)
if "second_order" in tables:
    write_table(tables["second_order"], snakemake.output.second_parquet)
    write_table(tables["second_order"], snakemake.output.second_csv)
plot_sensitivity(tables["indices"], snakemake.output.png, snakemake.output.pdf)
print(f"{len(tables['indices'])} indices of {tables['indices']['metric'].nunique()} metrics", file=sys.stderr)
