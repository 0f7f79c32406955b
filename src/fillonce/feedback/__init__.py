"""Grassroots feedback (投诉建议): raised by reporters and officials, answered by the department concerned
within a set time, reopened once, optionally hidden from that department, every step in the ledger."""
