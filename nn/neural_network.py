"""The retraining entry point: `python3 -m nn.neural_network --help` (nn/training/retrain.py)."""

import sys

if not __package__:  # run as a file: its folder is on the path, not the project's, so `nn` is not found
    sys.exit("run it from the project's folder as a module: python3 -m nn.neural_network [flags]")

from nn.training.retrain import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
