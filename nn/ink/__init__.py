"""Ink, from what a person gave to what a network reads: strokes drawn into pixels, an ink
mask preprocessed into MNIST's 28x28 form, a number cut into its digits."""
