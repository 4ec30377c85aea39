"""What the support requests add to the navigation bar, to «عملي», to the customer's
timeline and profile (shared with part B: append, do not reorder)."""
