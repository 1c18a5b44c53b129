"""Writers: one module per output format, each a pure function to text or bytes."""
