"""Draw every metric against one swept parameter."""
import sys

sys.stderr = open(snakemake.log[0], "w")

from electoral_sim.pipeline import exit_with_parent

exit_with_parent()  # no orphan after kill -9 of Snakemake

import pandas as pd

from electoral_sim.plotting import plot_parameter

plot_parameter(pd.read_parquet(snakemake.input[0]), snakemake.wildcards.param, snakemake.output[0])
