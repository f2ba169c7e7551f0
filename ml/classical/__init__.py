"""Built-in styles computed with plain tensor ops: they need no weights."""
