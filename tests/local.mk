# make check: correctness of every lock, the harness, the CLI, JSON and plots.
