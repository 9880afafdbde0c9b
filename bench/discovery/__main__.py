"""``python -m bench.discovery [--quick] [--skip related,ranking,recommendations]``."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

ANCHORS = {
    ("overall", "TF-IDF"): 0.66,
    ("cross-outlet", "TF-IDF"): 0.54,
    ("overall", "chance"): 0.29,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller ranking and reader runs")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}

    from .setup import django_setup

    django_setup()
    from .data import articles_load

    report: dict[str, object] = {}
    articles = articles_load() if {"related", "recommendations"} - skip else []
    if "related" not in skip:
        from .related import related_evaluate

        print("Related: precision@10 of same-topic neighbours on NewsArticles")
        labelled = sum(1 for a in articles if a.topic)
        print(f"  {len(articles)} articles, {labelled} with a topic label from their URL section")
        started = time.monotonic()
        rows = related_evaluate(articles)
        for row in rows:
            ci = row["ci"]
            interval = f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else ""
            anchor = next(
                (
                    v
                    for (scope, name), v in ANCHORS.items()
                    if scope == row["scope"] and str(row["method"]).startswith(name)
                ),
                None,
            )
            note = f"  anchor {anchor:.2f}" if anchor is not None else ""
            print(f"  {row['scope']:<13} {row['method']:<42} {row['p@10']:.3f} {interval}{note}")
        print(f"  ({time.monotonic() - started:.0f}s)")
        report["related"] = rows
    if "ranking" not in skip:
        from .ranking import ranking_evaluate

        print("Ranking: synthetic polluted view stream through the production pipeline")
        result = ranking_evaluate(quick=args.quick)
        print(
            f"  {result['requests']} requests, {result['human_reads']} unique human reads; "
            f"filter verdicts {result['verdicts']}"
        )
        print(
            f"  production: precision@10 {result['precision@10']:.2f}, nDCG@10 "
            f"{result['ndcg@10']:.3f}, top 10 identical to the truth's: {result['exact_top10']}"
        )
        print(
            f"  raw request counts (no filters, no decay): precision@10 "
            f"{result['naive_precision@10']:.2f}, nDCG@10 {result['naive_ndcg@10']:.3f}"
        )
        report["ranking"] = {k: (float(v) if hasattr(v, "item") else v) for k, v in result.items()}
    if "recommendations" not in skip:
        from .recommendations import recommendations_evaluate

        print("Recommended for you: SIMULATED readers (no public news click log offline)")
        result = recommendations_evaluate(articles, readers=600 if args.quick else 1500)
        meta = result.pop("_meta")
        print(f"  {int(meta['impressions'])} held-out next reads, 1 clicked + 19 shown each")
        print(f"  {'scorer':<20} {'AUC':>6} {'MRR':>6} {'nDCG@5':>7} {'nDCG@10':>8}")
        for name, m in result.items():
            print(
                f"  {name:<20} {m['auc']:6.3f} {m['mrr']:6.3f} {m['ndcg@5']:7.3f} {m['ndcg@10']:8.3f}"
            )
        report["recommendations"] = result
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
