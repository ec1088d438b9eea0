"""What a browser sees: the hosted pages (``hosted.py``), the front door, the API explorer, the
guides and the dashboard; each is imported when first served (``simulator/mounts.py``)."""
