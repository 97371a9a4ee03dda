"""The labelled-drawing database: concurrent writers lose nothing, SQLite is set up for
several processes, the rate limit is shared, and the export reads back as MNIST does."""

import gzip
import threading

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.utils import IntegrityError

from nn.data.handwriting import load_pen
from nn.data.labelled_drawings import IMAGES_FILE, LABELS_FILE, STROKES_FILE, load_labelled_drawings
from nn.data.mnist import parse_idx
from nn.ink import raster
from nn.ink.preprocess import from_mask
from recognizer import ratelimit
from recognizer.models import LabelledDrawing, RateWindow
from tests.helpers import ONE, ZERO, Api, make_drawing

pytestmark = pytest.mark.storage

WRITERS = 32


@pytest.mark.django_db(transaction=True)
def test_32_concurrent_writers_lose_no_label():
    barrier = threading.Barrier(WRITERS)
    results = [None] * WRITERS

    def write(i):
        try:
            api = Api(f"192.0.2.{i}")  # each its own client, under the rate limit
            barrier.wait(timeout=30)
            results[i] = api.label(i % 10).status_code
        finally:
            connections.close_all()  # this thread's connection

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert results == [201] * WRITERS
    stored = sorted(LabelledDrawing.objects.values_list("label", flat=True))
    assert stored == sorted(i % 10 for i in range(WRITERS))


@pytest.mark.django_db(transaction=True)
def test_the_rate_limit_counts_every_request_of_concurrent_workers():
    barrier = threading.Barrier(16)

    def hit():
        try:
            barrier.wait(timeout=30)
            ratelimit.take("198.51.100.9", limit=1000, window_seconds=60, now=1_000_000.0)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hit) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert RateWindow.objects.get().count == 16


@pytest.mark.django_db
def test_the_limit_slides_so_a_burst_across_a_window_boundary_gets_no_more_than_the_limit():
    client = "198.51.100.3"
    allowed = [
        ratelimit.take(client, limit=10, window_seconds=60, now=110.0 + i * 0.1) is None for i in range(10)
    ]
    assert all(allowed)  # ten at the end of one window...
    later = [ratelimit.take(client, limit=10, window_seconds=60, now=121.0 + i * 0.1) for i in range(10)]
    assert later[0] is not None  # ...and none at the start of the next: they still count
    assert 1 <= later[0] <= 60


@pytest.mark.django_db
def test_the_previous_window_counts_less_as_it_slides_away():
    client = "198.51.100.5"
    for i in range(10):
        ratelimit.take(client, limit=10, window_seconds=60, now=120.0 + i)  # the window from 120 s
    assert ratelimit.take(client, limit=10, window_seconds=60, now=195.0) is None  # 10 x 0.75 + 1 <= 10
    assert ratelimit.take(client, limit=10, window_seconds=60, now=195.0) is None  # 7.5 + 2
    assert ratelimit.take(client, limit=10, window_seconds=60, now=195.0) is not None  # 7.5 + 3 > 10


@pytest.mark.django_db
def test_counters_are_deleted_once_they_no_longer_matter_and_hold_no_address():
    ratelimit.take("198.51.100.3", limit=1, window_seconds=60, now=120.0)
    ratelimit.take("198.51.100.4", limit=1, window_seconds=60, now=245.0)  # two windows later
    assert list(RateWindow.objects.values_list("window", flat=True)) == [240]
    assert "198.51.100" not in RateWindow.objects.get().client  # only a keyed hash


@pytest.mark.django_db
def test_sqlite_runs_with_a_write_ahead_log_and_a_busy_timeout():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields", [{"label": 10}, {"predicted": 12}, {"pixels": b"\0" * 783}, {"pixels": b"\0" * 785}]
)
def test_the_database_itself_refuses_a_label_over_9_or_an_input_not_784_bytes(fields):
    values = {"label": 3, "predicted": 3, "pixels": b"\0" * 784, "model": "mlp", "probabilities": []} | fields
    with pytest.raises(IntegrityError):
        LabelledDrawing.objects.create(**values)


@pytest.mark.django_db
def test_export_writes_mnist_format_idx_files_that_read_back_exactly(tmp_path):
    for label, fill in [(3, 10), (7, 200), (0, 255)]:
        make_drawing(label, fill)
    call_command("export_labelled_drawings", "--output", str(tmp_path))
    images = parse_idx(gzip.decompress((tmp_path / IMAGES_FILE).read_bytes()))
    labels = parse_idx(gzip.decompress((tmp_path / LABELS_FILE).read_bytes()))
    assert images.shape == (3, 28, 28) and images.dtype == np.uint8
    assert labels.tolist() == [3, 7, 0]
    assert images[:, 0, 0].tolist() == [10, 200, 255]
    loaded_images, loaded_labels = load_labelled_drawings(tmp_path)
    assert np.array_equal(loaded_images, images) and np.array_equal(loaded_labels, labels)


@pytest.mark.django_db
def test_export_keeps_the_strokes_in_the_pen_sets_format_so_they_draw_again_as_served(tmp_path):
    make_drawing(1, strokes=ONE)
    make_drawing(0, strokes=ZERO)
    make_drawing(7)  # a photo, or pixels: no strokes to keep
    call_command("export_labelled_drawings", "--output", str(tmp_path))
    samples = load_pen(tmp_path / STROKES_FILE, "labelled")
    assert [s.label for s in samples] == [1, 0] and len({s.writer for s in samples}) == 2
    # scaled into the pad as the real sets are, the ring still draws as the same shape
    assert from_mask(raster.draw(samples[1].strokes)).sum() > 0


@pytest.mark.django_db
def test_export_of_an_empty_table_writes_empty_files_that_still_read(tmp_path):
    call_command("export_labelled_drawings", "--output", str(tmp_path))
    images, labels = load_labelled_drawings(tmp_path)
    assert images.shape == (0, 28, 28) and labels.shape == (0,)
