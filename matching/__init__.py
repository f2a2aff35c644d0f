"""Matching on the road network: the circle service, circle analytics, ranked matches and labour plans."""
