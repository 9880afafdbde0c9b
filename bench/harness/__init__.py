"""The measuring harness: processes, tools, the load client and the figures."""
