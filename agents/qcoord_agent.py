#!/usr/bin/env python3
"""qcoord agent (placeholder until the agent lands)."""
