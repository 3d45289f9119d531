"""Guest care: who to call, who to win back, how the store is doing with its guests."""
