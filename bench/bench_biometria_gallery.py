"""1:N face search at 1,000,000 synthetic encodings: exact (numpy, memory-mapped) vs faiss flat, and hnswlib.

Run: .venv/bin/python bench/bench_biometria_gallery.py [--rows 1000000] [--queries 300] [--skip-ann]
Figures go to docs/BENCHMARKS.md ("Biometrics (issue 4)").
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from biometria.engine.gallery import DIM, Gallery  # noqa: E402


LATENT_DIM = 24


def synthetic(rows: int, kind: str, seed: int = 7) -> np.ndarray:
    """Synthetic encodings at face_recognition's scale (two strangers ~0.85 apart).

    "latent": a 24-dimensional identity space mapped into 128-d plus small noise, because face
    embeddings occupy a low-dimensional manifold; "iid": independent Gaussian coordinates, the
    worst case for any graph index (every point nearly equidistant from every other).
    """
    rng = np.random.default_rng(seed)
    out = np.empty((rows, DIM), dtype=np.float32)
    mixing = rng.normal(0.0, 1.0, size=(LATENT_DIM, DIM)).astype(np.float32)
    for start in range(0, rows, 200_000):
        stop = min(rows, start + 200_000)
        if kind == "iid":
            out[start:stop] = rng.normal(0.0, 0.053, size=(stop - start, DIM))
        else:
            latent = rng.normal(0.0, 1.0, size=(stop - start, LATENT_DIM)).astype(np.float32)
            out[start:stop] = latent @ mixing * 0.0108 + rng.normal(0.0, 0.01, size=(stop - start, DIM))
    return out


def p95(samples: list[float]) -> float:
    return float(np.percentile(samples, 95))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, queries) -> tuple[list[float], list]:
    times, results = [], []
    for q in queries:
        start = time.perf_counter()
        results.append(fn(q))
        times.append((time.perf_counter() - start) * 1000)
    return times, results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--skip-ann", action="store_true")
    parser.add_argument("--ef", type=int, nargs="*", default=[64, 128, 256])
    parser.add_argument("--data", choices=["latent", "iid"], default="latent")
    args = parser.parse_args()

    vectors = synthetic(args.rows + args.queries, args.data)
    vectors, strangers = vectors[:args.rows], vectors[args.rows:args.rows + args.queries // 2]
    rng = np.random.default_rng(11)
    # Probes: an enrolled face seen again (another photo: ~0.3 away, like obama vs obama2) and strangers.
    picks = rng.choice(args.rows, size=args.queries - len(strangers), replace=False)
    genuine = vectors[picks] + rng.normal(0, 0.3 / np.sqrt(DIM), size=(len(picks), DIM)).astype(np.float32)
    queries = np.concatenate([genuine, strangers])
    sample = vectors[rng.choice(args.rows, size=(2, 2000))]
    print(f"data {args.data}: median distance between two enrolled faces "
          f"{np.median(np.linalg.norm(sample[0] - sample[1], axis=1)):.2f}")

    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        vectors.tofile(Path(tmp) / "vectors.f32")
        np.arange(args.rows, dtype=np.int64).tofile(Path(tmp) / "ids.i64")
        gallery = Gallery(tmp)
        start = time.perf_counter()
        assert len(gallery) == args.rows
        print(f"rows {args.rows}; open + norms {time.perf_counter() - start:.2f} s")
        gallery.search_exact(queries[0], 10)  # page the file in
        exact_ms, exact = timed(lambda q: gallery.search_exact(q, 10), queries)
        print(f"exact numpy memmap: p50 {np.median(exact_ms):.1f} ms, p95 {p95(exact_ms):.1f} ms")
        cut_ms, cut = timed(lambda q: gallery.search_exact(q, 10, max_distance=0.6), queries)
        print(f"exact within the 1:N threshold (distance <= 0.6, what identify and de-duplication ask): "
              f"p50 {np.median(cut_ms):.1f} ms, p95 {p95(cut_ms):.1f} ms")
        agree_cut = np.mean([(c[0].item_id if c else None) == (e[0].item_id if e[0].distance <= 0.6 else None)
                             for c, e in zip(cut, exact)])
        print(f"  same first candidate as top-k exact: {agree_cut:.3f}")
        floor_ms, _ = timed(lambda q: vectors @ q, queries[:100])
        print(f"  floor: one bare matrix-vector product over the rows, in RAM: p50 {np.median(floor_ms):.1f} ms, "
              f"p95 {p95(floor_ms):.1f} ms")
        genuine_found = sum(r[0].item_id == int(i) for r, i in zip(exact, picks)) / len(picks)
        print(f"exact: genuine probe found first {genuine_found:.3f}")

        import faiss

        faiss.omp_set_num_threads(os.cpu_count() or 1)
        flat = faiss.IndexFlatL2(DIM)
        flat.add(vectors)
        faiss_ms, faiss_res = timed(lambda q: flat.search(q.reshape(1, DIM), 10), queries)
        print(f"faiss IndexFlatL2 one query at a time: p50 {np.median(faiss_ms):.1f} ms, p95 {p95(faiss_ms):.1f} ms")
        agree = np.mean([res[1][0][0] == r[0].item_id for res, r in zip(faiss_res, exact)])
        print(f"faiss and numpy agree on the nearest: {agree:.3f}")
        del flat

        if args.skip_ann:
            return
        before = rss_mb()
        start = time.perf_counter()
        gallery.build_ann(m=16, ef_construction=200)
        build_s = time.perf_counter() - start
        index_mb = (Path(tmp) / "ann.bin").stat().st_size / 2**20
        print(f"hnswlib build (M=16, efC=200, {os.cpu_count()} threads): {build_s:.0f} s; "
              f"index file {index_mb:.0f} MiB; peak RSS grew {rss_mb() - before:.0f} MiB")
        truth = [[c.item_id for c in r] for r in exact]
        for ef in args.ef:
            ann_ms, ann = timed(lambda q: gallery.search_ann(q, 10, ef=ef), queries)
            r1 = np.mean([a[0].item_id == t[0] for a, t in zip(ann, truth)])
            r10 = np.mean([len({c.item_id for c in a} & set(t)) / 10 for a, t in zip(ann, truth)])
            r1_gen = np.mean([a[0].item_id == t[0] for a, t in zip(ann[:len(picks)], truth[:len(picks)])])
            print(f"hnswlib ef={ef}: p50 {np.median(ann_ms):.2f} ms, p95 {p95(ann_ms):.2f} ms; "
                  f"recall@1 {r1:.3f} (genuine probes {r1_gen:.3f}), recall@10 {r10:.3f}")
        scale = 10
        print(f"scaling to {scale * args.rows:,} rows (linear in rows, build ~n log n): vectors "
              f"{scale * args.rows * DIM * 4 / 2**30:.1f} GiB, index ~{scale * index_mb / 1024:.1f} GiB, "
              f"exact p95 ~{scale * p95(exact_ms):.0f} ms, build ~{scale * build_s * 1.15 / 60:.0f} min")


if __name__ == "__main__":
    main()
