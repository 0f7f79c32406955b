"""Inventory audit: find which columns across many departments' Excel forms are the same data item.

The burden-reduction office's first job (一表通, 填表报数目录清单): read every form template,
detect duplicated columns with explanations, and measure how many fields remain once each data
item is asked only once.
"""

from fillonce.audit.inventory import (
    AuditResult,
    Cluster,
    Field,
    ReviewPair,
    audit_files,
    render_table,
    write_duplicate_map_xlsx,
)
from fillonce.audit.labels import Signature, canonical_name, is_key_label, signature
from fillonce.audit.matching import (
    Candidate,
    CandidateIndex,
    Match,
    best_matches,
    compare,
)
from fillonce.audit.workbook import AuditError, Column, Form, read_workbook

__all__ = [
    "AuditError",
    "AuditResult",
    "Candidate",
    "CandidateIndex",
    "Cluster",
    "Column",
    "Field",
    "Form",
    "Match",
    "ReviewPair",
    "Signature",
    "audit_files",
    "best_matches",
    "canonical_name",
    "compare",
    "is_key_label",
    "read_workbook",
    "render_table",
    "signature",
    "write_duplicate_map_xlsx",
]
