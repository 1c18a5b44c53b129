"""The commands of the CLI, one module each: (command name, module, function)."""

COMMANDS = [
    ("validate", "validate", "validate"),
    ("audit", "audit", "audit"),
    ("cost", "cost", "cost"),
]
