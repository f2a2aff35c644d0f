"""Administrative boundaries: county → township/park → village, water bodies, import and validation."""
