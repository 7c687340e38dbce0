"""The rounds and figures of the real-server benchmark (`benchmarks.http`): A B A B pairs of wrk
runs (bare view, page), each page's figures and its ratio to the bare view of the same round,
the growth from the first size to the last. No Django, no servers here."""

from collections.abc import Callable, Iterator
from statistics import median
from typing import TYPE_CHECKING

from ._http_client import WrkRun
from .harness import Metric

if TYPE_CHECKING:
    from .http import Page

#: Staff lists: throughput at the last size ≥ 0.8 × at the first (issue 14).
GROWTH_MIN_RATIO = 0.8


def size_label(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)


# ---------------------------------------------------------------------------------------------
# Rounds and figures
# ---------------------------------------------------------------------------------------------


def interleave(
    rounds: int, bare: Callable[[], WrkRun], page: Callable[[], WrkRun]
) -> list[tuple[WrkRun, WrkRun]]:
    """`rounds` pairs (bare view, page), run in that order: A B A B."""
    pairs = []
    for _ in range(rounds):
        bare_run = bare()
        pairs.append((bare_run, page()))
    return pairs


def round_ratios(pairs: list[tuple[WrkRun, WrkRun]]) -> list[float]:
    """Per round, the page's requests per second over the bare view's of that same round."""
    return [page.rps / bare.rps if bare.rps else 0.0 for bare, page in pairs]


def page_metrics(page: "Page", label: str, pairs: list[tuple[WrkRun, WrkRun]]) -> Iterator[Metric]:
    runs = [run for _, run in pairs]
    ratios = round_ratios(pairs)
    socket_errors = sum(run.socket_errors for run in runs)
    note = "manches : " + ", ".join(f"{run.rps:.1f}" for run in runs)
    if socket_errors:
        note += f" ; {socket_errors} erreurs de socket ou délais dépassés"
    yield Metric(
        f"{page.name}_rps_{label}",
        median(run.rps for run in runs),
        "req/s",
        page.min_rps,
        at_least=True,
        note=note,
    )
    yield Metric(f"{page.name}_p50_{label}", median(run.p50_ms for run in runs), "ms")
    yield Metric(f"{page.name}_p99_{label}", median(run.p99_ms for run in runs), "ms")
    yield Metric(
        f"{page.name}_ratio_to_bare_{label}",
        median(ratios),
        "x",
        page.min_ratio,
        at_least=True,
        note="par manche, page / vue nue : "
        + " ; ".join(
            f"{run.rps:.1f} / {bare.rps:.1f} = {ratio:.4f}"
            for (bare, run), ratio in zip(pairs, ratios, strict=True)
        ),
    )


def growth_metric(
    page: "Page",
    small: tuple[int, list[tuple[WrkRun, WrkRun]]],
    large: tuple[int, list[tuple[WrkRun, WrkRun]]],
) -> Metric:
    """Throughput at the large size over throughput at the small one, each relative to the bare
    view of its own rounds (the machine's load cancels out)."""
    (small_size, small_pairs), (large_size, large_pairs) = small, large
    before, after = median(round_ratios(small_pairs)), median(round_ratios(large_pairs))
    raw_before = median(run.rps for _, run in small_pairs)
    raw_after = median(run.rps for _, run in large_pairs)
    return Metric(
        f"{page.name}_ratio_{size_label(large_size)}_to_{size_label(small_size)}",
        after / before if before else None,
        "x",
        GROWTH_MIN_RATIO if page.staff_list else None,
        at_least=True,
        note=f"débit rapporté à la vue nue : {before:.4f} → {after:.4f} ; "
        f"brut : {raw_before:.1f} → {raw_after:.1f} req/s",
    )
