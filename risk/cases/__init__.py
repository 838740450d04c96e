"""Cases: a person's alerts rolled up for staff (`models`), written through `services`, read
through `selectors`."""
