"""simplify: audit catalogues of administrative procedures (thủ tục hành chính).

Compliance cost by the Standard Cost Model, once-only findings with their
savings, reform targets and simplification plans.
"""

__version__ = "1.0.0"
