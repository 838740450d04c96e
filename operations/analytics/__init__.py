"""The analytics dashboard: daily rollup rows written by a beat job from the owning apps'
figures, and the reads and charts of the dashboard page over them."""
