"""Data-quality findings: omission, late, duplicate and false reporting, and concealment."""
