"""鸿雁 outreach: where the county's migrant workers work, targeted lists, exports and the contact log."""
