#!/usr/bin/env python3
"""Convert the reference platform's désordres fixtures (YAML) into the grid file
of this project (data/desordres-grid.json).

Why a conversion and not the YAML itself: the grid is data the core loads at
start; our own format nests précisions under their critère, names every flag
explicitly and carries the score maxima next to the coefficients, so that a
revised grid brings its own maxima (domain.md §8.10).

Usage: python3 tools/convert_desordres_grid.py ../shared/data data/desordres-grid.json
"""
import json
import sys
from pathlib import Path

import yaml


def main(src: Path, dst: Path) -> None:
    criteres = yaml.safe_load((src / "DesordreCritere.yml").read_text())["desordre_critere"]
    precisions = yaml.safe_load((src / "DesordrePrecision.yml").read_text())["desordre_precision"]

    by_critere = {}
    for p in precisions:
        by_critere.setdefault(p["desordre_critere_slug"], []).append(
            {
                "slug": p["desordre_precision_slug"],
                "label": p.get("label") or "",
                "coef": float(p["coef"]),
                "danger": bool(p.get("is_danger", 0)),
                "suroccupation": bool(p.get("is_suroccupation", 0)),
                "insalubrite": bool(p.get("is_insalubrite", 0)),
                "unique": bool(p.get("config_is_unique", 0)),
                "qualifications": list(p.get("qualification") or []),
            }
        )

    out_criteres = []
    for c in criteres:
        entry = {
            "slug": c["slug_critere"],
            "label": c["label_critere"].strip(),
            "zone": c["zone_categorie"],
            "categorie_slug": c["slug_categorie"],
            "categorie_label": c["label_categorie"],
            "famille": c["desordre_categorie_label"].strip(),
            "precisions": by_critere.pop(c["slug_critere"], []),
        }
        if c.get("config_precision_libre_label"):
            entry["precision_libre_label"] = c["config_precision_libre_label"]
        out_criteres.append(entry)

    if by_critere:
        raise SystemExit(f"précisions without critère: {sorted(by_critere)}")

    grid = {
        "version": "reference-f40ed472",
        "max_batiment": 84.0,
        "max_logement": 102.0,
        "children_bonus": 1.1,
        "criteres": out_criteres,
    }
    dst.write_text(json.dumps(grid, ensure_ascii=False, indent=1) + "\n")
    n_prec = sum(len(c["precisions"]) for c in out_criteres)
    print(f"{len(out_criteres)} critères, {n_prec} précisions -> {dst}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
