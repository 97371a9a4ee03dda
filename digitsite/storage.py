"""Static files for production: hashed names, gzip and Brotli copies (WhiteNoise), and the
ES module imports between the page's scripts rewritten to the hashed names too."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
