"""Exercise banks, one module per lesson; every module here is imported on first use."""
