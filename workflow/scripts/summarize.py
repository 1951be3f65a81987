"""Summarise results.parquet per config into summary.parquet and summary.csv."""
import sys

sys.stderr = open(snakemake.log[0], "w")

import pandas as pd

from electoral_sim.io import write_table
from electoral_sim.sweep import summarize

summary = summarize(pd.read_parquet(snakemake.input[0]), snakemake.params.param_names)
write_table(summary, snakemake.output.parquet)
write_table(summary, snakemake.output.csv)
print(f"summarised {len(summary)} configs", file=sys.stderr)
