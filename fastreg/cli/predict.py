"""``fastreg predict``: a saved model screens structure files, chunk by chunk, into a CSV or Parquet table."""

import csv
import io
import sys
import time

import numpy as np

from ..distributed.client import optional_session

PREDICTION_EXTENSIONS = (".csv", ".parquet")


def run_predict(model_path, sources, output, *, coverage=0.9, interval="loo", jobs=1, chunk_size=1000,
                skip_bad=False, progress=False, scheduler=None, out=print):
    """Screen every structure in ``sources`` with the model in ``model_path``; one row per structure."""
    from ..io.models import load
    from ..io.safe_files import atomic_write
    from ..io.structures import read_structures, structure_files
    from ..screening import ScreeningModel, screen

    start = time.perf_counter()
    structure_files(sources)  # a missing file fails before the model loads
    model = load(model_path)
    if not isinstance(model, ScreeningModel):
        raise ValueError(f"{model_path} holds a {type(model).__name__}, not a model saved by 'fastreg fit --save'.")

    if interval == "jackknife+" and not hasattr(model.pipeline[-1], "jackknife_basis_"):
        raise ValueError(f"{model_path} keeps no leave-one-out fits: save it with 'fastreg fit --intervals jackknife+'.")

    def note_skip(path, reason):
        print(f"skipped {path}: {reason}", file=sys.stderr)

    metadata = {"target": model.target or "", "unit": model.unit or "", "coverage": str(coverage),
                "interval": interval, "model": repr(model)}
    n_rows = n_outside = 0
    with optional_session(scheduler) as client, atomic_write(output) as handle:
        if client is not None:
            from ..distributed import structure_bag
            from ..distributed import screen as screen_on_cluster

            bag = structure_bag(sources, npartitions=len(structure_files(sources)) // 200 + 1, skip_bad=skip_bad)
            chunks = screen_on_cluster(model, bag, coverage=coverage, interval=interval, client=client)
        else:
            chunks = screen(model, read_structures(sources, skip_bad=skip_bad, on_skip=note_skip),
                            chunk_size=chunk_size, coverage=coverage, interval=interval, n_jobs=jobs, progress=progress)
        writer = ParquetRows(handle, metadata) if str(output).endswith(".parquet") else CsvRows(handle, metadata)
        for columns in chunks:
            writer.write(columns)
            n_rows += len(columns["id"])
            n_outside += int(np.sum(~columns["in_domain"])) if "in_domain" in columns else 0
        writer.close()
    if n_rows == 0:  # pragma: no cover - read_structures refuses empty sources
        raise ValueError("no structures were screened.")
    elapsed = time.perf_counter() - start
    unit = f" {model.unit}" if model.unit else ""
    out(f"screened {n_rows} structures in {elapsed:.1f} s ({n_rows / elapsed:.0f} structures/s) with {model!r}")
    if "in_domain" in columns:
        out(f"{n_outside} of {n_rows} lie outside the training domain (in_domain = False)")
    out(f"wrote {output} (predictions of {model.target or 'the target'}{unit})")
    return 0


class CsvRows:
    """Rows as CSV; the metadata (target, unit, coverage) on ``#`` lines above the header."""

    def __init__(self, handle, metadata):
        self.text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        for key, value in metadata.items():
            self.text.write(f"# {key}: {value}\n")
        self.table = csv.writer(self.text)
        self.header = None

    def write(self, columns):
        if self.header is None:
            self.header = list(columns)
            self.table.writerow(self.header)
        values = [columns[name] for name in self.header]
        for row in zip(*values):
            self.table.writerow([_cell(value) for value in row])

    def close(self):
        self.text.flush()
        self.text.detach()  # the caller's handle stays open for the fsync and rename


def _cell(value):
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return value


class ParquetRows:
    """Rows as Parquet, one row group per chunk; the metadata in the schema."""

    def __init__(self, handle, metadata):
        try:
            import pyarrow  # noqa: F401
            import pyarrow.parquet  # noqa: F401
        except ImportError:
            raise ImportError("Parquet output needs pyarrow: pip install pyarrow (or write .csv)") from None
        self.handle = handle
        self.metadata = {key.encode(): str(value).encode() for key, value in metadata.items()}
        self.writer = None

    def write(self, columns):
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({name: (values.astype(str) if name == "id" else values) for name, values in columns.items()})
        if self.writer is None:
            table = table.replace_schema_metadata(self.metadata)
            self.writer = pq.ParquetWriter(self.handle, table.schema)
        self.writer.write_table(table.replace_schema_metadata(self.metadata))

    def close(self):
        if self.writer is not None:
            self.writer.close()
