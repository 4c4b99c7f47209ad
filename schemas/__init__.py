"""Pandera contracts (polars backend) for every boundary of the pipeline."""
