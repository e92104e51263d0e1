import json

import numpy as np
import pytest

from adaptive.irt.__main__ import main

from .helpers import dichotomous_bank, simulate


def _write_csv(path, y, ids, weights=None):
    header = list(ids) + (["weight"] if weights is not None else [])
    lines = [",".join(header)]
    for k, row in enumerate(y):
        cells = ["" if np.isnan(v) else str(int(v)) for v in row]
        if weights is not None:
            cells.append(str(weights[k]))
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n")


def test_calibrate_prints_items_as_json(tmp_path, capsys):
    rng = np.random.default_rng(70)
    bank = dichotomous_bank(rng, 6)
    y = simulate(rng, bank, rng.normal(0, 1, 800))
    y[rng.random(y.shape) < 0.2] = np.nan
    ids = [f"ASC/Q{k}" for k in range(6)]
    _write_csv(tmp_path / "r.csv", y, ids)
    assert main(["calibrate", str(tmp_path / "r.csv"), "--model", "2pl", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [i["id"] for i in out["items"]] == ids
    assert set(out["items"][0]) >= {"id", "a", "b", "c", "d", "se"}
    assert set(out["items"][0]["se"]) == {"a", "b", "c", "d"}
    assert out["converged"] is True and out["iterations"] > 0
    assert isinstance(out["log_likelihood"], float)
    b = np.array([i["b"] for i in out["items"]])
    assert np.corrcoef(b, bank.difficulty)[0, 1] > 0.95


def test_weight_column_equals_repeated_rows(tmp_path, capsys):
    y = np.array([[1, 0, 1], [0, 0, 1], [1, 1, 1], [0, 0, 0], [1, 0, 0]], dtype=float)
    w = [30, 20, 25, 15, 10]
    _write_csv(tmp_path / "w.csv", y, ["i1", "i2", "i3"], weights=w)
    _write_csv(tmp_path / "x.csv", np.repeat(y, w, axis=0), ["i1", "i2", "i3"])
    main(["calibrate", str(tmp_path / "w.csv"), "--json"])
    weighted = json.loads(capsys.readouterr().out)
    main(["calibrate", str(tmp_path / "x.csv"), "--json"])
    expanded = json.loads(capsys.readouterr().out)
    for a, b in zip(weighted["items"], expanded["items"], strict=True):
        assert a["a"] == pytest.approx(b["a"], abs=1e-4)
        assert a["b"] == pytest.approx(b["b"], abs=1e-4)


def test_graded_csv_calibrates(tmp_path, capsys):
    y = np.random.default_rng(71).integers(0, 3, (300, 4)).astype(float)
    _write_csv(tmp_path / "g.csv", y, ["p1", "p2", "p3", "p4"])
    assert main(["calibrate", str(tmp_path / "g.csv"), "--model", "grm", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["items"][0]["d"]) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "no header"),
        ("i1,i2\n1,x\n", "not a score"),
        ("i1,i2\n1,0,1\n", "cells"),
        ("i1,i2\n1,0.5\n", "not 0, 1, 2"),
        ("i1,i1\n1,0\n", "duplicate"),
        ("i1,weight\n1,-2\n", "weight"),
        ("i1,i2\n,\n", "no response rows"),
        ("i1,i2\n2,1\n", "0/1"),
    ],
)
def test_bad_csv_gives_a_clear_error_and_nonzero_exit(tmp_path, capsys, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    assert main(["calibrate", str(path), "--json"]) != 0
    err = capsys.readouterr().err
    assert err.startswith("error:") and message in err


def test_missing_file_is_an_error(tmp_path, capsys):
    assert main(["calibrate", str(tmp_path / "nope.csv")]) != 0
    assert "cannot read" in capsys.readouterr().err


def test_simulate_prints_cat_and_loft_summaries_and_writes_plots(tmp_path, capsys):
    argv = [
        "simulate",
        "--bank-size",
        "150",
        "--examinees",
        "12",
        "--max-items",
        "10",
        "--se-target",
        "0.5",
        "--areas",
        "3",
        "--loft-slots",
        "4",
        "--loft-papers",
        "5",
        "--json",
        "--plots",
        str(tmp_path / "plots"),
    ]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["cat"]) >= {
        "rmse",
        "bias",
        "mean_length",
        "max_exposure",
        "mean_overlap",
        "blueprint_met",
    }
    assert out["cat"]["blueprint_met"] is True and out["loft"]["blueprint_met"] is True
    assert out["loft"]["max_overlap"] <= 0.15
    names = sorted(p.name for p in (tmp_path / "plots").iterdir())
    assert names == ["exposure.png", "icc.png", "test_information.svg"]
