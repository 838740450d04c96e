"""Buy and sell ads, prices, limits and the market listing."""
