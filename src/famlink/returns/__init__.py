"""Programme returns: rows from the outcome tables, shaped by templates, written as CSV and
Excel, each row carrying its evidence, each production logged."""
