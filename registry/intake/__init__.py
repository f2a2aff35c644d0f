"""Spreadsheet intake: Excel/CSV templates, validated imports into the registry databases, error workbooks."""
