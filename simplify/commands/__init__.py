"""The commands of the CLI, one module each: (command name, module, function)."""

COMMANDS = [
    ("validate", "validate", "validate"),
    ("audit", "audit", "audit"),
    ("cost", "cost", "cost"),
    ("schema", "schema", "schema"),
    ("init", "init", "init"),
    ("graph", "graph", "graph"),
    ("plan", "plan", "plan"),
    ("check", "check", "check"),
    ("diff", "diff", "diff"),
    ("convert", "convert", "convert"),
    ("report", "report", "report"),
    ("rules", "rules", "rules"),
    ("rule", "rules", "rule"),
]
