#!/usr/bin/env python3
"""Verify a fillonce ledger proof bundle offline.  离线验证 fillonce 账本证明包。

Usage / 用法:
    python tools/verify_proof.py bundle.json [--log-key KEY] [--witness-key KEY ...]

The bundle is JSON: {"entry", "index", "leaf_hash", "inclusion_proof",
"checkpoint", "log_key", "witness_keys" (optional)}.  Keys given on the command
line replace the ones in the bundle; pass them whenever you can, since keys
carried inside the bundle are only as trustworthy as whoever sent it.

Checks: the entry's RFC 9162 leaf hash, the C2SP signed-note Ed25519 signature
of the log on the checkpoint, the inclusion proof against the checkpoint's root
and size, and each witness's C2SP tlog-cosignature/v1.  Exit status 0 when
every check passes, 1 otherwise.

Self-contained on purpose: only the standard library and `cryptography`.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

EM_DASH_PREFIX = "\u2014 "
SIG_TYPE_ED25519 = 0x01
SIG_TYPE_COSIGNATURE_V1 = 0x04
HASH_SIZE = 32
COSIGNATURE_SIZE = 8 + 64
_HEX8 = re.compile(r"[0-9a-fA-F]{8}")
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


class BundleError(ValueError):
    """Carries a bilingual reason: Chinese first, then English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")


# --- RFC 9162 Merkle tree -------------------------------------------------------------


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2, step by step."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            while fn % 2 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


# --- C2SP signed notes, keys, checkpoints, cosignatures ---------------------------------


@dataclass(frozen=True)
class VerifierKey:
    name: str
    key_id: int
    public_key: Ed25519PublicKey


@dataclass(frozen=True)
class SignatureLine:
    name: str
    key_id: int
    signature: bytes


def decode_base64(text: str, zh_what: str, en_what: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raw = None
    if raw is None or base64.b64encode(raw).decode("ascii") != text:
        raise BundleError(f"{zh_what}不是规范的 base64", f"{en_what} is not canonical base64")
    return raw


def check_key_name(name: str) -> None:
    if not name or "+" in name or any(ch.isspace() or ch < " " for ch in name):
        raise BundleError(f"密钥名称无效: {name!r}", f"invalid key name: {name!r}")


def parse_verifier_key(key: str, sig_type: int) -> VerifierKey:
    """Parse ``name+hex8+base64(type || 32-byte Ed25519 public key)``."""
    parts = key.split("+", 2)
    if len(parts) != 3 or not _HEX8.fullmatch(parts[1]):
        raise BundleError("公钥格式应为 name+hex8+base64", "key must look like name+hex8+base64")
    name, key_id_hex, material = parts
    check_key_name(name)
    raw = decode_base64(material, "公钥", "key")
    if len(raw) != 33 or raw[0] != sig_type:
        raise BundleError(
            f"公钥类型应为 0x{sig_type:02x} 加 32 字节 Ed25519 公钥",
            f"key must be type 0x{sig_type:02x} followed by a 32-byte Ed25519 public key",
        )
    expected_id = int.from_bytes(hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4], "big")
    if int(key_id_hex, 16) != expected_id:
        raise BundleError("公钥 ID 与公钥不符", f"key ID {key_id_hex} does not match the key ({expected_id:08x})")
    return VerifierKey(name, expected_id, Ed25519PublicKey.from_public_bytes(raw[1:]))


def parse_signature_line(line: str) -> SignatureLine:
    if not line.startswith(EM_DASH_PREFIX):
        raise BundleError("签名行应以破折号和空格开头", f"signature line must start with em dash and space: {line!r}")
    name, _, sig_b64 = line[len(EM_DASH_PREFIX) :].partition(" ")
    check_key_name(name)
    raw = decode_base64(sig_b64, "签名", "signature")
    if len(raw) <= 4:
        raise BundleError("签名过短", "signature too short")
    return SignatureLine(name, int.from_bytes(raw[:4], "big"), raw[4:])


def split_note(message: str) -> tuple[str, list[SignatureLine]]:
    """Split a C2SP signed note into its text and signature lines."""
    if any(ch < " " and ch != "\n" for ch in message):
        raise BundleError("签名检查点含控制字符", "signed checkpoint contains control characters")
    split = message.rfind("\n\n")
    if split < 0 or not message.endswith("\n") or split + 2 == len(message):
        raise BundleError(
            "签名检查点格式错误（缺少空行或签名行）", "malformed signed checkpoint (no blank line or signatures)"
        )
    lines = message[split + 2 : -1].split("\n")
    return message[: split + 1], [parse_signature_line(line) for line in lines]


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes


def parse_checkpoint(text: str) -> Checkpoint:
    lines = text[:-1].split("\n")
    if len(lines) < 3 or any(not line for line in lines):
        raise BundleError(
            "检查点至少需要来源、大小、根哈希三行非空行", "checkpoint needs non-empty origin, size and root hash lines"
        )
    origin, size_text, root_b64 = lines[:3]
    if not _DECIMAL.fullmatch(size_text):
        raise BundleError("检查点树大小不是十进制数", f"checkpoint tree size {size_text!r} is not a decimal number")
    root_hash = decode_base64(root_b64, "根哈希", "root hash")
    if len(root_hash) != HASH_SIZE:
        raise BundleError("根哈希长度应为 32 字节", "root hash must be 32 bytes")
    return Checkpoint(origin, int(size_text), root_hash)


def ed25519_ok(key: Ed25519PublicKey, message: bytes, signature: bytes) -> bool:
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def signatures_by(key: VerifierKey, signatures: list[SignatureLine]) -> list[SignatureLine]:
    """Only lines matching both name and key ID belong to this key."""
    return [sig for sig in signatures if (sig.name, sig.key_id) == (key.name, key.key_id)]


def log_signature_valid(text: str, signatures: list[SignatureLine], key: VerifierKey) -> bool:
    mine = signatures_by(key, signatures)
    return bool(mine) and all(ed25519_ok(key.public_key, text.encode(), sig.signature) for sig in mine)


def cosignature_time(text: str, signatures: list[SignatureLine], key: VerifierKey) -> int | None:
    """The timestamp of a valid cosignature/v1 by ``key``, or None."""
    mine = signatures_by(key, signatures)
    timestamps = []
    for sig in mine:
        if len(sig.signature) != COSIGNATURE_SIZE:
            return None
        timestamp = int.from_bytes(sig.signature[:8], "big")
        message = b"cosignature/v1\ntime %d\n" % timestamp + text.encode()
        if timestamp >= 2**63 or not ed25519_ok(key.public_key, message, sig.signature[8:]):
            return None
        timestamps.append(timestamp)
    return max(timestamps) if timestamps else None


# --- bundle and report ---------------------------------------------------------------------


@dataclass
class Bundle:
    entry: str
    index: int
    leaf_hash: bytes
    inclusion_proof: list[bytes]
    checkpoint: str
    log_key: str | None
    witness_keys: list[str]
    receipt_values: list | None = None  # a submission receipt: the values the reporter submitted …
    nonce: str | None = None  # … and the secret that binds them to the entry's values_hash


def decode_hex_hash(value: object, what: str) -> bytes:
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        raw = b""
    if len(raw) != HASH_SIZE:
        raise BundleError(f"{what} 应为 64 位十六进制", f"{what} must be 64 hexadecimal digits")
    return raw


def load_bundle(path: Path) -> Bundle:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError("无法读取证明包 JSON", f"cannot read the bundle JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise BundleError("证明包应为 JSON 对象", "bundle must be a JSON object")
    entry, index, checkpoint, proof = (data.get(k) for k in ("entry", "index", "checkpoint", "inclusion_proof"))
    if not isinstance(entry, str) or not isinstance(checkpoint, str):
        raise BundleError("entry 与 checkpoint 必须是字符串", "entry and checkpoint must be strings")
    if type(index) is not int or index < 0:
        raise BundleError("index 必须是非负整数", "index must be a non-negative integer")
    if not isinstance(proof, list):
        raise BundleError("inclusion_proof 必须是列表", "inclusion_proof must be a list")
    log_key = data.get("log_key")
    witness_keys = data.get("witness_keys") or []
    if not (log_key is None or isinstance(log_key, str)) or not all(isinstance(k, str) for k in witness_keys):
        raise BundleError("公钥必须是字符串", "keys must be strings")
    return Bundle(
        entry=entry,
        index=index,
        leaf_hash=decode_hex_hash(data.get("leaf_hash"), "leaf_hash"),
        inclusion_proof=[decode_hex_hash(node, "inclusion_proof") for node in proof],
        checkpoint=checkpoint,
        log_key=log_key,
        witness_keys=list(witness_keys),
        receipt_values=data.get("values") if isinstance(data.get("values"), list) else None,
        nonce=data.get("nonce") if isinstance(data.get("nonce"), str) else None,
    )


@dataclass
class Report:
    failures: int = 0
    lines: list[str] = field(default_factory=list)

    def check(self, passed: bool, zh: str, en: str) -> None:
        self.failures += not passed
        mark = "[通过 PASS]" if passed else "[失败 FAIL]"
        self.lines.append(f"{mark} {zh} / {en}")

    def note(self, zh: str, en: str) -> None:
        self.lines.append(f"[提示 NOTE] {zh} / {en}")


def check_leaf(report: Report, bundle: Bundle) -> bytes:
    computed = leaf_hash(bundle.entry.encode("utf-8"))
    report.check(
        computed == bundle.leaf_hash,
        "条目内容与叶子哈希一致" if computed == bundle.leaf_hash else "条目内容与叶子哈希不一致（条目可能被篡改）",
        f"entry hashes to leaf hash {computed.hex()}"
        + ("" if computed == bundle.leaf_hash else f", bundle claims {bundle.leaf_hash.hex()} (entry altered?)"),
    )
    return computed


def check_log_signature(report: Report, text: str, signatures: list[SignatureLine], log_key: str | None) -> None:
    if log_key is None:
        report.check(False, "未提供日志公钥（--log-key）", "no log key given (--log-key)")
        return
    try:
        key = parse_verifier_key(log_key, SIG_TYPE_ED25519)
    except BundleError as exc:
        report.check(False, "日志公钥无效", f"invalid log key: {exc}")
        return
    valid = log_signature_valid(text, signatures, key)
    report.check(
        valid,
        f"检查点由日志 {key.name} 签名" if valid else f"检查点没有日志 {key.name} 的有效签名",
        f"checkpoint signed by log {key.name}" if valid else f"no valid signature by log {key.name} on the checkpoint",
    )


def check_inclusion(report: Report, bundle: Bundle, leaf: bytes, checkpoint: Checkpoint) -> None:
    valid = verify_inclusion(leaf, bundle.index, checkpoint.size, bundle.inclusion_proof, checkpoint.root_hash)
    report.check(
        valid,
        f"条目 #{bundle.index} 包含在大小为 {checkpoint.size} 的日志树中" if valid else "包含证明与检查点根哈希不符",
        f"entry #{bundle.index} is included in the tree of size {checkpoint.size}"
        if valid
        else "inclusion proof does not lead to the checkpoint's root hash",
    )


def check_witness(report: Report, text: str, signatures: list[SignatureLine], witness_key: str) -> None:
    try:
        key = parse_verifier_key(witness_key, SIG_TYPE_COSIGNATURE_V1)
    except BundleError as exc:
        report.check(False, "见证人公钥无效", f"invalid witness key: {exc}")
        return
    timestamp = cosignature_time(text, signatures, key)
    if timestamp is None:
        report.check(False, f"缺少见证人 {key.name} 的有效联署", f"no valid cosignature from witness {key.name}")
        return
    when = datetime.fromtimestamp(timestamp, UTC).isoformat()
    report.check(True, f"见证人 {key.name} 于 {when} 联署", f"witness {key.name} cosigned at {when}")


def check_receipt_values(report: Report, bundle: Bundle) -> None:
    """The values in a receipt are exactly those whose hash the ledger entry records."""
    try:
        recorded = json.loads(bundle.entry).get("details", {}).get("values_hash")
        nonce = bytes.fromhex(bundle.nonce or "")
    except (ValueError, AttributeError):
        recorded, nonce = None, b""
    canonical = json.dumps(bundle.receipt_values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(nonce + canonical.encode("utf-8")).hexdigest()
    report.check(recorded is not None and digest == recorded,
                 f"回执中的 {len(bundle.receipt_values)} 项数据与账本记录一致",
                 f"the receipt's {len(bundle.receipt_values)} values match the ledger entry")


def verify_bundle(bundle: Bundle, log_key: str | None, witness_keys: list[str]) -> Report:
    report = Report()
    leaf = check_leaf(report, bundle)
    if bundle.receipt_values is not None:
        check_receipt_values(report, bundle)
    try:
        text, signatures = split_note(bundle.checkpoint)
        checkpoint = parse_checkpoint(text)
    except BundleError as exc:
        report.check(False, "检查点无法解析", f"checkpoint unreadable: {exc}")
        return report
    report.note(f"日志来源 {checkpoint.origin}", f"log origin {checkpoint.origin}")
    check_log_signature(report, text, signatures, log_key)
    check_inclusion(report, bundle, leaf, checkpoint)
    for witness_key in witness_keys:
        check_witness(report, text, signatures, witness_key)
    if not witness_keys:
        report.note("未检查见证人联署", "no witness keys given, cosignatures not checked")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a fillonce ledger proof bundle / 验证账本证明包")
    parser.add_argument("bundle", type=Path, help="proof bundle JSON / 证明包 JSON 文件")
    parser.add_argument("--log-key", help="trusted log verifier key / 受信任的日志公钥")
    parser.add_argument(
        "--witness-key", action="append", default=[], help="trusted witness key (repeatable) / 受信任的见证人公钥"
    )
    args = parser.parse_args(argv)
    try:
        bundle = load_bundle(args.bundle)
    except BundleError as exc:
        print(f"[失败 FAIL] 证明包无效 / invalid bundle: {exc}")
        print("结论 Verdict: 验证失败 / verification FAILED")
        return 1
    if args.log_key is None and bundle.log_key is not None:
        print("[提示 NOTE] 日志公钥取自证明包本身，请通过独立渠道核对 / "
              "log key taken from the bundle itself; confirm it through an independent channel")
    report = verify_bundle(bundle, args.log_key or bundle.log_key, args.witness_key or bundle.witness_keys)
    print("\n".join(report.lines))
    if report.failures:
        count = report.failures
        print(f"结论 Verdict: 验证失败（{count} 项未通过） / verification FAILED ({count} check(s))")
        return 1
    print("结论 Verdict: 全部验证通过 / all checks PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
