"""1:N gallery of face encodings: exact search over a memory-mapped float32 matrix, plus an hnswlib index.

Files in the gallery directory: ``vectors.f32`` (rows x 128 float32), ``ids.i64`` (one int64 id per
row, -1 once removed), and optionally ``ann.bin`` / ``ann.json`` (an hnswlib index over the first
``rows_indexed`` rows). Rows appended after the index was built are searched exactly, so the
index never misses a recent enrollment. Writers hold an exclusive lock file; readers re-map
when the files grow or are replaced by a rebuild. The directory is 0700 and every file 0600:
face encodings are biometric data, readable only by the service's own user.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

DIM = 128
REMOVED = -1
DIR_MODE = 0o700
FILE_MODE = 0o600
CHUNK_ROWS = 32_768  # 16 MiB of vectors and 128 KiB of distances a block


def _private_open(path: Path, mode: str):
    """open() whose file, if created, is 0600 whatever the umask (and an existing one is made 0600)."""
    flags = {"ab": os.O_WRONLY | os.O_APPEND | os.O_CREAT, "wb": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
             "w": os.O_WRONLY | os.O_CREAT | os.O_TRUNC, "r+b": os.O_RDWR}[mode]
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        return os.fdopen(fd, mode)
    except BaseException:
        os.close(fd)
        raise


@dataclass(frozen=True)
class Candidate:
    item_id: int
    distance: float


class Gallery:
    """A gallery of (id, encoding) rows in `directory`. Thread-safe within a process."""

    def __init__(self, directory: Path | str, *, dim: int = DIM):
        self.directory = Path(directory)
        self.directory.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        self._make_private()
        self.dim = dim
        self._vectors_path = self.directory / "vectors.f32"
        self._ids_path = self.directory / "ids.i64"
        self._ann_path = self.directory / "ann.bin"
        self._ann_meta_path = self.directory / "ann.json"
        self._mutex = threading.RLock()
        self._signature: tuple[int, int, int] | None = None
        self._vectors = np.zeros((0, dim), dtype=np.float32)
        self._ids = np.zeros(0, dtype=np.int64)
        self._norms = np.zeros(0, dtype=np.float32)
        self._ann = None
        self._ann_rows = 0
        self._ann_signature: tuple[int, float] | None = None

    def _make_private(self) -> None:
        """Directory 0700 and files 0600, also for a gallery written before this rule existed."""
        os.chmod(self.directory, DIR_MODE)
        for path in self.directory.iterdir():
            if path.is_file():
                os.chmod(path, FILE_MODE)

    # ---- reading -------------------------------------------------------------------------
    def _file_signature(self) -> tuple[int, int, int]:
        try:
            ids_stat = self._ids_path.stat()
            return ids_stat.st_ino, ids_stat.st_size, self._vectors_path.stat().st_ino
        except FileNotFoundError:
            return 0, 0, 0

    def _refresh(self) -> None:
        """Re-map the files if another process appended rows or replaced them."""
        signature = self._file_signature()
        if signature == self._signature:
            return
        rows = signature[1] // 8
        if rows == 0:
            self._vectors = np.zeros((0, self.dim), dtype=np.float32)
            self._ids = np.zeros(0, dtype=np.int64)
            self._norms = np.zeros(0, dtype=np.float32)
        else:
            old_rows = len(self._norms) if self._signature and self._signature[0] == signature[0] else 0
            self._vectors = np.memmap(self._vectors_path, dtype=np.float32, mode="r", shape=(rows, self.dim))
            self._ids = np.memmap(self._ids_path, dtype=np.int64, mode="r", shape=(rows,))
            # Squared norms make L2 distance one matrix-vector product; only new rows are computed.
            fresh = np.einsum("ij,ij->i", self._vectors[old_rows:], self._vectors[old_rows:])
            self._norms = np.concatenate([self._norms[:old_rows], fresh.astype(np.float32)])
        self._signature = signature

    def __len__(self) -> int:
        """Live (not removed) rows."""
        with self._mutex:
            self._refresh()
            return int(np.count_nonzero(self._ids != REMOVED))

    def contains(self, item_id: int) -> bool:
        with self._mutex:
            self._refresh()
            return bool(np.any(self._ids == item_id))

    def items(self) -> Iterator[tuple[int, np.ndarray]]:
        with self._mutex:
            self._refresh()
            ids, vectors = self._ids, self._vectors
        for row in np.flatnonzero(ids != REMOVED):
            yield int(ids[row]), np.array(vectors[row])

    def search_exact(self, query: np.ndarray, k: int = 10, *, max_distance: float | None = None) -> list[Candidate]:
        """The k nearest live rows by Euclidean distance (within `max_distance` if given), over every row.

        Works in blocks of CHUNK_ROWS so each block's distances stay in cache while its best are
        picked; removed rows are masked per block, so the answer is exact. With `max_distance`
        (what 1:N needs: nobody beyond the threshold is a candidate) a comparison replaces the
        per-block partial sort, which over 1M rows costs about 8 ms.
        """
        with self._mutex:
            self._refresh()
            vectors, ids, norms = self._vectors, self._ids, self._norms
        rows = len(ids)
        if rows == 0:
            return []
        q = np.asarray(query, dtype=np.float32).reshape(self.dim)
        qq = float(q @ q)
        # squared below is the distance minus |q|^2, so the cut-off moves by the same amount
        cutoff = None if max_distance is None else max_distance ** 2 - qq
        picked_rows, picked_squared = [], []
        for start in range(0, rows, CHUNK_ROWS):
            stop = min(rows, start + CHUNK_ROWS)
            squared = vectors[start:stop] @ q
            squared *= -2.0
            squared += norms[start:stop]
            squared[np.asarray(ids[start:stop]) == REMOVED] = np.inf
            if cutoff is not None:
                best = np.flatnonzero(squared <= cutoff)
            else:
                keep = min(k, stop - start)
                best = np.argpartition(squared, keep - 1)[:keep] if keep < stop - start else np.arange(stop - start)
            picked_rows.append(best + start)
            picked_squared.append(squared[best])
        rows_, squared_ = np.concatenate(picked_rows), np.concatenate(picked_squared) + qq
        order = np.argsort(squared_)[:k]
        return [Candidate(int(ids[rows_[i]]), float(np.sqrt(max(0.0, squared_[i]))))
                for i in order if np.isfinite(squared_[i])]

    @staticmethod
    def _top_k(squared: np.ndarray, ids: np.ndarray, k: int) -> list[Candidate]:
        """The k smallest live entries of a (small) array of squared distances."""
        squared = np.where(np.asarray(ids) != REMOVED, squared, np.inf)
        k = min(k, len(squared))
        best = np.argpartition(squared, k - 1)[:k] if k < len(squared) else np.arange(len(squared))
        best = best[np.argsort(squared[best])]
        return [Candidate(int(ids[i]), float(np.sqrt(max(0.0, squared[i])))) for i in best if np.isfinite(squared[i])]

    def search_ann(self, query: np.ndarray, k: int = 10, *, ef: int = 256,
                   max_distance: float | None = None) -> list[Candidate]:
        """Approximate search: the hnswlib index, plus an exact scan of rows added after it was built."""
        with self._mutex:
            self._refresh()
            ann, ann_rows = self._load_ann()
            vectors, ids, norms = self._vectors, self._ids, self._norms
        if ann is None:
            return self.search_exact(query, k, max_distance=max_distance)
        q = np.asarray(query, dtype=np.float32).reshape(1, self.dim)
        found: list[Candidate] = []
        if ann.element_count:
            # Ask for extra neighbours: rows removed since the build are dropped from the answer.
            wanted = min(2 * k, ann.element_count)
            ann.set_ef(max(ef, wanted))
            labels, squared = ann.knn_query(q, k=wanted)
            found = [Candidate(int(ids[row]), float(np.sqrt(d))) for row, d in zip(labels[0], squared[0])
                     if ids[row] != REMOVED]
        if len(ids) > ann_rows:  # the tail not yet indexed
            tail = norms[ann_rows:] - 2.0 * (vectors[ann_rows:] @ q[0]) + float(q[0] @ q[0])
            found += self._top_k(tail, ids[ann_rows:], k)
        found = [c for c in found if max_distance is None or c.distance <= max_distance]
        return sorted(found, key=lambda c: c.distance)[:k]

    def _load_ann(self):
        try:
            stat = self._ann_path.stat()
        except FileNotFoundError:
            self._ann, self._ann_rows, self._ann_signature = None, 0, None
            return None, 0
        signature = (stat.st_ino, stat.st_mtime)
        if signature != self._ann_signature:
            import hnswlib

            meta = json.loads(self._ann_meta_path.read_text())
            index = hnswlib.Index(space="l2", dim=self.dim)
            index.load_index(str(self._ann_path), max_elements=meta["rows_indexed"])
            self._ann, self._ann_rows, self._ann_signature = index, int(meta["rows_indexed"]), signature
        return self._ann, self._ann_rows

    # ---- writing -------------------------------------------------------------------------
    @contextlib.contextmanager
    def _write_lock(self) -> Iterator[None]:
        with self._mutex, _private_open(self.directory / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def add(self, item_id: int, encoding: np.ndarray) -> bool:
        """Append a row; False (and nothing written) when the id is already there."""
        if item_id < 0:
            raise ValueError("gallery ids are non-negative")
        vector = np.asarray(encoding, dtype=np.float32).reshape(self.dim)
        with self._write_lock():
            self._refresh()
            if np.any(self._ids == item_id):
                return False
            # Vectors first: a reader counts rows by the ids file, so it never sees an id without its vector.
            with _private_open(self._vectors_path, "ab") as out:
                out.write(vector.tobytes())
                out.flush()
                os.fsync(out.fileno())
            with _private_open(self._ids_path, "ab") as out:
                out.write(np.int64(item_id).tobytes())
                out.flush()
                os.fsync(out.fileno())
            self._refresh()
            return True

    def remove(self, item_id: int) -> bool:
        """Mark every row of `item_id` removed; False when it was not there."""
        with self._write_lock():
            self._refresh()
            rows = np.flatnonzero(self._ids == item_id)
            if rows.size == 0:
                return False
            with _private_open(self._ids_path, "r+b") as out:
                for row in rows:
                    out.seek(int(row) * 8)
                    out.write(np.int64(REMOVED).tobytes())
                out.flush()
                os.fsync(out.fileno())
            self._signature = None  # the size did not change, so force a re-map
            self._refresh()
            return True

    def rebuild(self, items: Iterable[tuple[int, np.ndarray]], *, build_ann: bool = False) -> int:
        """Replace the gallery with `items` (removed rows dropped); returns the row count."""
        with self._write_lock():
            tmp_vectors = self._vectors_path.with_suffix(".tmp")
            tmp_ids = self._ids_path.with_suffix(".tmp")
            seen: set[int] = set()
            with _private_open(tmp_vectors, "wb") as vectors_out, _private_open(tmp_ids, "wb") as ids_out:
                for item_id, encoding in items:
                    if item_id in seen:
                        continue
                    seen.add(item_id)
                    vectors_out.write(np.asarray(encoding, dtype=np.float32).reshape(self.dim).tobytes())
                    ids_out.write(np.int64(item_id).tobytes())
            for path in (self._ann_path, self._ann_meta_path):
                path.unlink(missing_ok=True)
            os.replace(tmp_vectors, self._vectors_path)
            os.replace(tmp_ids, self._ids_path)
            self._signature = None
            self._refresh()
        if build_ann:
            self.build_ann()
        return len(seen)

    def build_ann(self, *, m: int = 16, ef_construction: int = 200, threads: int = -1) -> int:
        """Build the hnswlib index over the rows present now; later rows are scanned exactly."""
        import hnswlib

        with self._mutex:
            self._refresh()
            vectors, ids = self._vectors, self._ids
        rows = len(ids)
        index = hnswlib.Index(space="l2", dim=self.dim)
        index.init_index(max_elements=max(1, rows), M=m, ef_construction=ef_construction, random_seed=42)
        live = np.flatnonzero(ids != REMOVED)
        for start in range(0, len(live), 100_000):
            chunk = live[start:start + 100_000]
            index.add_items(np.asarray(vectors[chunk]), chunk, num_threads=threads)
        with self._write_lock():
            tmp = self._ann_path.with_suffix(".tmp")
            index.save_index(str(tmp))
            os.chmod(tmp, FILE_MODE)  # hnswlib creates it with the umask's mode
            with _private_open(self._ann_meta_path, "w") as meta:
                meta.write(json.dumps({"rows_indexed": rows, "m": m, "ef_construction": ef_construction}))
            os.replace(tmp, self._ann_path)
        return len(live)
