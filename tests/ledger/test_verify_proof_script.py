"""tools/verify_proof.py: the standalone third-party verifier."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fillonce.ledger import merkle
from fillonce.ledger.checkpoint import Checkpoint, sign_checkpoint
from fillonce.ledger.cosignature import Cosigner, cosign
from fillonce.ledger.note import Ed25519Signer

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "verify_proof.py"
ORIGIN = "fillonce.example/ledger"
LOG = Ed25519Signer(ORIGIN, bytes(range(32)))
OTHER_LOG = Ed25519Signer(ORIGIN, bytes(32))
WITNESS = Cosigner("witness.example/w1", bytes(range(32, 64)))
OTHER_WITNESS = Cosigner("witness.example/w2", bytes(32))
ENTRIES = [
    json.dumps({"seq": i, "unit": "城关区统计局", "value": i * 7}, ensure_ascii=False, sort_keys=True)
    for i in range(11)
]
INDEX = 6


def build_bundle(index: int = INDEX) -> dict:
    leaves = [merkle.leaf_hash(entry.encode("utf-8")) for entry in ENTRIES]
    checkpoint = Checkpoint(ORIGIN, len(leaves), merkle.root(leaves))
    cosigned = sign_checkpoint(checkpoint, LOG) + cosign(checkpoint.format(), WITNESS).line()
    return {
        "entry": ENTRIES[index],
        "index": index,
        "leaf_hash": leaves[index].hex(),
        "inclusion_proof": [node.hex() for node in merkle.inclusion_proof(leaves, index)],
        "checkpoint": cosigned,
        "log_key": LOG.verifier.key_string,
        "witness_keys": [WITNESS.verifier.key_string],
    }


def run_script(tmp_path: Path, bundle: dict | str, *args: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "bundle.json"
    path.write_text(bundle if isinstance(bundle, str) else json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    # No PYTHONPATH and a foreign working directory: the script must not need fillonce.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(path), *args],
        capture_output=True, text=True, encoding="utf-8", cwd=tmp_path, env=env, timeout=30,
    )


def test_valid_bundle_passes_every_check(tmp_path: Path) -> None:
    result = run_script(tmp_path, build_bundle(), "--log-key", LOG.verifier.key_string)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[失败 FAIL]" not in result.stdout
    assert result.stdout.count("[通过 PASS]") == 4  # leaf, log signature, inclusion, witness
    assert "全部验证通过 / all checks PASSED" in result.stdout
    assert "witness.example/w1 cosigned at" in result.stdout


def test_keys_from_the_bundle_alone_are_flagged(tmp_path: Path) -> None:
    result = run_script(tmp_path, build_bundle())
    assert result.returncode == 0
    assert "independent channel" in result.stdout


def test_changed_entry_fails(tmp_path: Path) -> None:
    bundle = build_bundle()
    bundle["entry"] = bundle["entry"].replace('"value": 42', '"value": 43')
    result = run_script(tmp_path, bundle)
    assert result.returncode == 1
    assert "entry altered?" in result.stdout
    assert "inclusion proof does not lead" in result.stdout


def test_changed_proof_fails(tmp_path: Path) -> None:
    bundle = build_bundle()
    bundle["inclusion_proof"][1] = "00" * 32
    result = run_script(tmp_path, bundle)
    assert result.returncode == 1
    assert "[失败 FAIL] 包含证明与检查点根哈希不符" in result.stdout


def test_truncated_proof_fails(tmp_path: Path) -> None:
    bundle = build_bundle()
    bundle["inclusion_proof"].pop()
    assert run_script(tmp_path, bundle).returncode == 1


def test_other_index_fails(tmp_path: Path) -> None:
    bundle = build_bundle()
    bundle["index"] = INDEX + 1
    assert run_script(tmp_path, bundle).returncode == 1


def test_wrong_log_key_fails(tmp_path: Path) -> None:
    result = run_script(tmp_path, build_bundle(), "--log-key", OTHER_LOG.verifier.key_string)
    assert result.returncode == 1
    assert f"no valid signature by log {ORIGIN}" in result.stdout


def test_wrong_witness_key_fails(tmp_path: Path) -> None:
    result = run_script(tmp_path, build_bundle(), "--witness-key", OTHER_WITNESS.verifier.key_string)
    assert result.returncode == 1
    assert "no valid cosignature from witness witness.example/w2" in result.stdout


def test_checkpoint_resigned_by_another_key_fails(tmp_path: Path) -> None:
    bundle = build_bundle()
    text = bundle["checkpoint"].split("\n\n")[0] + "\n"
    bundle["checkpoint"] = sign_checkpoint(Checkpoint(ORIGIN, len(ENTRIES), bytes(32)), OTHER_LOG)
    bundle["log_key"] = OTHER_LOG.verifier.key_string  # an attacker controls the bundle's own key...
    result = run_script(tmp_path, bundle, "--log-key", LOG.verifier.key_string)  # ...but not ours
    assert text not in bundle["checkpoint"]
    assert result.returncode == 1


@pytest.mark.parametrize("content", ["not json", "[]", json.dumps({"entry": "x"})])
def test_malformed_bundle_fails_clearly(tmp_path: Path, content: str) -> None:
    result = run_script(tmp_path, content)
    assert result.returncode == 1
    assert "证明包无效 / invalid bundle" in result.stdout


def load_script_module():
    spec = importlib.util.spec_from_file_location("verify_proof", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("verify_proof", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_script_inclusion_check_agrees_with_the_ledger_for_every_leaf() -> None:
    script = load_script_module()
    for size in range(1, 34):
        leaves = [merkle.leaf_hash(b"%d" % i) for i in range(size)]
        tree_root = merkle.root(leaves)
        for index in range(size):
            proof = merkle.inclusion_proof(leaves, index)
            assert script.verify_inclusion(leaves[index], index, size, proof, tree_root)
            # Perturbed inputs: both implementations must give the same answer.
            for args in [
                (leaves[index], index, size + 1, proof, tree_root),
                (leaves[index], index, size - 1, proof, tree_root),
                (leaves[index], index ^ 1, size, proof, tree_root),
                (leaves[index], index, size, proof[:-1], tree_root),
                (leaves[index], index, size, [*proof, tree_root], tree_root),
                (leaves[(index + 1) % size], index, size, proof, tree_root),
            ]:
                assert script.verify_inclusion(*args) == merkle.verify_inclusion(*args), args
