"""稳岗就业政策库 Employment policies: structured eligibility, Chinese full-text search, loading."""
