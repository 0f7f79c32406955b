"""Burden metrics (减负成效): what the separate forms would ask against what the one form asks, in fields
and estimated minutes, per unit, department, spec and period; never clicks, views or sign-ins."""
