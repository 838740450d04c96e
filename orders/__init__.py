"""The order state machine, payment proofs, chat, timeouts and feedback."""
