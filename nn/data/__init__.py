"""The data the networks learn from: MNIST, the real handwriting collections split by
writer, drawings labelled on the site, and how they are mixed, varied and styled."""
