"""Training and measuring: the networks' training loop, the check's and the scorer's
trainers, the temperature fit, and the evaluation the benchmarks and the CLI share."""
