"""v4 lists: who may read or change one, their limits and sort orders, item batches."""
