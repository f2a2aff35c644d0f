"""The "鸿雁回归" programme: "2+N" fairs, targets and the task list; outreach, parks and one-window tickets."""
