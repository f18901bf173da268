"""lgo-audit: validation and compliance auditing of LGSCO Annual Review letters."""

__version__ = "0.1.0"
