"""Plots for simulation studies (matplotlib, Agg backend): ICCs, test information, exposure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .blueprint import Blueprint
from .models import ItemBank, probability, test_information

__all__ = ["write_plots"]


def write_plots(
    directory: Path, bank: ItemBank, blueprint: Blueprint, cat: dict[str, Any]
) -> list[str]:
    """Write icc.png, test_information.svg and exposure.png into ``directory``; return paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    directory.mkdir(parents=True, exist_ok=True)
    theta = np.linspace(-4, 4, 161)
    written: list[str] = []

    fig, ax = plt.subplots(figsize=(6, 4))
    for j in np.linspace(0, bank.n_items - 1, min(12, bank.n_items)).astype(int):
        ax.plot(theta, probability(theta, bank.subset([j]))[:, 0], lw=1)
    ax.set(xlabel="theta", ylabel="P(correct)", title="Item characteristic curves (sample)")
    path = directory / "icc.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    written.append(str(path))

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(theta, test_information(theta, bank), label="whole bank")
    if cat.get("tests"):
        ax.plot(theta, test_information(theta, bank, cat["tests"][0]), label="first CAT test")
    ax.set(xlabel="theta", ylabel="information", title="Test information")
    ax.legend()
    path = directory / "test_information.svg"
    fig.savefig(path)
    plt.close(fig)
    written.append(str(path))

    fig, ax = plt.subplots(figsize=(6, 4))
    rates = np.asarray(cat["exposure_counts"], dtype=float) / max(len(cat.get("tests", [])), 1)
    ax.hist(rates, bins=40)
    ax.set(xlabel="exposure rate", ylabel="items", title="Item exposure")
    path = directory / "exposure.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    written.append(str(path))
    return written
