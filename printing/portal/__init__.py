"""The vendor portal (``/vendor/``): a print vendor's orders, files and fulfilment moves."""
