"""The 三公里就业圈 service: the loaded road network, open positions in memory, jobs and candidates in reach."""
