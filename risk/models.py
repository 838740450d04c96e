"""Risk keeps no tables of its own yet: restrictions are accounts' records, and the rules'
parameters come from the settings until staff edit them."""
