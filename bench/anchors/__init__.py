"""Anchor servers and their configuration templates (nginx+nchan, nginx static, plain asyncio)."""
