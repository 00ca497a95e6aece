"""Segments: K-means on the accounts' features (kmeans) and the typed output
table dbt reads back (output)."""
