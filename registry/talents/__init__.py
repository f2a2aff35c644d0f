"""创新创业人才库 Talents: returnee entrepreneurs, skilled and professional talents, and their projects."""
