"""The networks and their files: the 784-250-10 and the CNN that read digits, the check
that says whether ink is a digit at all, the scorer that segmentation asks, and the one
safe format they are stored in."""
