"""Differential-privacy planning on the qualified tree: shape checks, argument bounds, bounding SQL."""
