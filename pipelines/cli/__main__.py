"""``python -m pipelines.cli``: the same as the ``socmon`` console script."""

from pipelines.cli.main import main

main()
