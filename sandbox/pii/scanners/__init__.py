"""One scanner per file kind; each turns a file's content into findings (no I/O beyond the bytes given)."""
