"""Templates and assets of the static owners' site (``trustfund publish``)."""
