"""Merge a study's run files into results.parquet and results.csv."""
import sys

sys.stderr = open(snakemake.log[0], "w")

from electoral_sim.io import write_table
from electoral_sim.pipeline import merge_runs

results = merge_runs(snakemake.params.layout, snakemake.input)
write_table(results, snakemake.output.parquet)
write_table(results, snakemake.output.csv)
print(f"merged {len(results)} runs", file=sys.stderr)
