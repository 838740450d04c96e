"""The case console: the inbox, one case with its alerts, timeline and actions, and the 360
view of one person. Server-rendered; every page asks for the case permissions."""
