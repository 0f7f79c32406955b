"""Measure the audit on the shared sample inventory against its answer key (truth.json).

Pairwise precision and recall over non-META columns: a pair is predicted the same when both
fields sit in one cluster, and is truly the same when truth gives them one cluster name.
"""

import json
from itertools import combinations
from pathlib import Path

import pytest

from fillonce.audit.inventory import AuditResult, audit_files

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples" / "inventory"
MIN_PRECISION = 0.95
MIN_RECALL = 1.0  # measured on the nine sample forms: every true pair is found

pytestmark = pytest.mark.skipif(
    not (SAMPLES / "truth.json").is_file(),
    reason=f"shared sample inventory not found at {SAMPLES} (shared/ sits beside the checkout)",
)


@pytest.fixture(scope="module")
def truth() -> dict[str, dict]:
    return json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result() -> AuditResult:
    return audit_files(sorted(SAMPLES.glob("*.xlsx")))


def _pair_scores(truth: dict[str, dict], result: AuditResult) -> tuple[float, float]:
    cluster_of = {field: n for n, cluster in enumerate(result.clusters) for field in cluster.fields}
    data_fields = sorted(field for field, entry in truth.items() if entry["cluster"] != "META")
    true_pairs = predicted = both = 0
    for a, b in combinations(data_fields, 2):
        is_same = truth[a]["cluster"] is not None and truth[a]["cluster"] == truth[b]["cluster"]
        said_same = a in cluster_of and cluster_of.get(a) == cluster_of.get(b)
        true_pairs += is_same
        predicted += said_same
        both += is_same and said_same
    precision = both / predicted if predicted else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    return precision, recall


def test_every_sample_column_is_read(truth, result):
    fields = {field.id: field for field in result.fields}
    assert set(fields) == set(truth)
    assert all(fields[field].label == entry["label"] for field, entry in truth.items())
    assert result.errors == []


def test_meta_columns_are_keys(truth, result):
    keys = {field.id: field.key for field in result.fields}
    assert {field: keys[field] for field in truth} == {
        field: entry["cluster"] == "META" for field, entry in truth.items()}


def test_pairwise_precision_and_recall(truth, result):
    precision, recall = _pair_scores(truth, result)
    print(f"\nsample inventory: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL


def test_registers_and_aggregates_are_told_apart(result):
    kinds = {form.file: form.kind for form in result.forms}
    assert {file for file, kind in kinds.items() if kind == "register"} == {
        file for file in kinds if "名册" in file}
