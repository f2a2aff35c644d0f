"""The "鸿雁回归" programme: "2+N" recruitment fairs, the year's targets and the county's task list."""
