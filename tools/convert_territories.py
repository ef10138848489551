#!/usr/bin/env python3
"""Convert the reference platform's territory fixtures (YAML) into
data/territories.json, the reference data the platform loads at start.

Usage: python3 tools/convert_territories.py ../shared/data/Territory.yml data/territories.json
"""
import json
import sys

import yaml


def main(src: str, dst: str) -> None:
    rows = yaml.safe_load(open(src, encoding="utf-8"))["territories"]
    out = []
    for t in rows:
        bbox = json.loads(t.get("bbox") or "[]") or None
        out.append(
            {
                "code": t["zip"],
                "name": t["name"],
                "is_active": bool(t.get("is_active")),
                "authorized_insee": [str(c).strip() for c in t.get("authorized_codes_insee") or []],
                "timezone": t.get("timezone") or "Europe/Paris",
                "bbox": bbox,
            }
        )
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(out)} territories -> {dst}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
