"""County-wide circle analytics (2SFCA/E2SFCA), their stored runs and live updates, surplus snapshots."""
