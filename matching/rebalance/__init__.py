"""Labour plans as min-cost flows: rebalancing between areas (用工余缺调剂) and shared employment (共享用工)."""
