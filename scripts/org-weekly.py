#!/usr/bin/env python3
"""Load repohealth NDJSON files into DuckDB and print an organisation-wide weekly view.

Usage: scripts/org-weekly.py DIR   (DIR holds one <repository>.ndjson per repository, written by
`repohealth analyze --format ndjson`). Needs the duckdb Python package (pip install duckdb).
"""
import sys

import duckdb

src = (sys.argv[1] if len(sys.argv) > 1 else ".").rstrip("/") + "/*.ndjson"
con = duckdb.connect()
con.execute(f"CREATE TABLE changes AS SELECT * FROM read_json_auto('{src}', format='newline_delimited')")

QUERIES = {
    "landed changes per ISO week and repository (last 8 weeks of each)": """
        WITH w AS (
          SELECT repository, date_trunc('week', CAST(landed_at AS TIMESTAMP)) AS week, *
          FROM changes)
        SELECT repository, strftime(week, '%G-W%V') AS week, count(*) AS landed,
               round(median(lifetime_seconds) / 3600, 1) AS lifetime_p50_h,
               CAST(quantile_disc(size, 0.9) AS BIGINT) AS size_p90,
               round(avg(CASE WHEN strategy = 'direct' THEN 1 ELSE 0 END), 2) AS direct_share
        FROM w
        WHERE week > (SELECT max(date_trunc('week', CAST(landed_at AS TIMESTAMP))) FROM changes c
                      WHERE c.repository = w.repository) - INTERVAL 8 WEEK
        GROUP BY repository, week ORDER BY repository, week""",
    "organisation, per ISO week": """
        SELECT strftime(date_trunc('week', CAST(landed_at AS TIMESTAMP)), '%G-W%V') AS week,
               count(DISTINCT repository) AS repositories, count(*) AS landed,
               round(median(lifetime_seconds) / 3600, 1) AS lifetime_p50_h,
               round(avg(CASE WHEN size > 400 THEN 1 ELSE 0 END), 2) AS over_400_share
        FROM changes GROUP BY ALL ORDER BY week DESC LIMIT 8""",
    "strategy mix per repository": """
        WITH n AS (SELECT repository, strategy, count(*) AS n FROM changes GROUP BY ALL)
        SELECT repository, strategy, n,
               round(n / sum(n) OVER (PARTITION BY repository), 2) AS share
        FROM n ORDER BY repository, n DESC""",
}
for title, q in QUERIES.items():
    print(f"## {title}\n")
    print(con.sql(q))
