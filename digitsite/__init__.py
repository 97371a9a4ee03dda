"""The Django project: settings, URLs and the WSGI entry point.

BLAS gets one thread per web process, set here because this package is imported before
anything loads NumPy: a one-image forward pass gains nothing from more threads, and extra
threads would fight the server's other workers for the cores.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
