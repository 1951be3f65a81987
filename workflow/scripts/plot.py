"""Draw one figure of the study (its spec comes from electoral_sim.plotting.figure_specs)."""
import sys

sys.stderr = open(snakemake.log[0], "w")

from electoral_sim.pipeline import exit_with_parent

exit_with_parent()  # no orphan after kill -9 of Snakemake

import pandas as pd

from electoral_sim.plotting import draw_figure

draw_figure(snakemake.params.spec, pd.read_parquet(snakemake.input.results),
            pd.read_parquet(snakemake.input.summary), snakemake.output.png, snakemake.output.pdf)
