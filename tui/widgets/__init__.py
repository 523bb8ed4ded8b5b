"""The debugger's panels, one widget per module."""
