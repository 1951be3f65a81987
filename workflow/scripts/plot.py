"""Draw every metric against one swept parameter."""
import sys

sys.stderr = open(snakemake.log[0], "w")

import pandas as pd

from electoral_sim.plotting import plot_parameter

plot_parameter(pd.read_parquet(snakemake.input[0]), snakemake.wildcards.param, snakemake.output[0])
